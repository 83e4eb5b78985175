"""`{% constant %}` (shop/templatetags/constant_parts.py): rendered once per language, the same HTML
as without it, and refused at compile time around anything that may depend on the request."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django import urls
from django.conf import settings
from django.template import Context, RequestContext, Template, TemplateSyntaxError, engines
from django.template.defaulttags import URLNode
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.html import escape

from accounts.tests.factories import BuyerFactory
from shop.templatetags import constant_parts
from shop.templatetags.constant_parts import ConstantNode

BASE = Path(settings.BASE_DIR, "templates", "base.html").read_text()
PAGE = "{% block title %}A page{% endblock %}{% block content %}<p>{{ request.GET.q }}</p>{% endblock %}"


def _shells() -> tuple:
    """A page on the shell as it is, and on the shell with its {% constant %} tags taken out."""
    django_engine = engines["django"]
    page = django_engine.from_string("{% extends base %}" + PAGE)
    kept = django_engine.from_string(BASE).template
    plain = django_engine.from_string(re.sub(r"{% (end)?constant %}", "", BASE)).template
    return page, kept, plain


def _render(page, base, user, search: str) -> str:
    request = RequestFactory().get("/products/", {"q": search})
    request.user = user
    html = page.render({"cart_count": 2 if user.is_authenticated else 0, "base": base}, request)
    return re.sub(r'value="[^"]{64}"', 'value="TOKEN"', html)  # a signed-in person's CSRF token differs each time


@pytest.mark.django_db
def test_the_shell_is_the_same_html_with_and_without_constant_parts_visitor_after_visitor():
    from django.contrib.auth.models import AnonymousUser

    page, kept, plain = _shells()  # compiled once: every render after the first reads what was kept
    visitors = [(AnonymousUser(), "kettle"), (BuyerFactory(), 'lamp "<b>"'), (AnonymousUser(), "desk")]
    for language in ("en", "ru", "en"):
        with translation.override(language):
            for user, search in visitors:
                html = _render(page, kept, user, search)
                assert html == _render(page, plain, user, search), (language, user, search)
                assert f'value="{escape(search)}"' in html  # the request's own part is never kept
                assert ("Log out" in html or "Выйти" in html) == user.is_authenticated
    kept_parts = [node for node in kept.nodelist.get_nodes_by_type(ConstantNode)]
    assert kept_parts and all(part.rendered for part in kept_parts), "the parts were kept"


def test_the_switcher_marks_the_pages_own_language():
    with translation.override("ru"):
        html = Template("{% load shop_format %}{% language_buttons %}").render(Context())
    assert html == (
        '<button type="submit" name="language" value="en" lang="en" class="link" data-testid="language-en">'
        "English</button>"
        '<button type="submit" name="language" value="ru" lang="ru" class="link current" aria-current="true" '
        'data-testid="language-ru">Русский</button>'
    )


def test_a_constant_part_is_worked_out_once_a_language():
    page = Template(
        "{% load i18n constant_parts %}"
        '{% constant %}<a href="{% url "home" %}">{% translate "Cart" %}</a>{% endconstant %}'
    )
    with mock.patch("django.urls.reverse", wraps=urls.reverse) as reverse:  # what {% url %} calls
        with translation.override("en"):
            first, again = page.render(Context()), page.render(Context())
        with translation.override("ru"):
            russian = page.render(Context())

    assert first == again == '<a href="/">Cart</a>'
    assert russian == '<a href="/ru/">Корзина</a>'
    assert reverse.call_count == 2  # once in English, once in Russian


def test_a_site_served_under_a_prefix_gets_its_own_addresses():
    page = Template('{% load constant_parts %}{% constant %}{% url "home" %}{% endconstant %}')
    with translation.override("en"):
        at_root = page.render(Context())
        set_script_prefix("/shop/")
        try:
            under_prefix = page.render(Context())
        finally:
            set_script_prefix("/")
    assert (at_root, under_prefix) == ("/", "/shop/")


def test_a_url_named_for_a_blocktranslate_stays_inside():
    page = Template(
        "{% load i18n constant_parts %}{% constant %}{% url 'api-docs' as api_url %}"
        '{% blocktranslate %}See <a href="{{ api_url }}">API</a>{% endblocktranslate %}{% endconstant %}[{{ api_url }}]'
    )
    with translation.override("en"):
        assert page.render(Context()) == 'See <a href="/api/docs/">API</a>[]'


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user.email }}",
        "{% if user.is_authenticated %}x{% endif %}",
        "{% csrf_token %}",
        "{% translate greeting %}",
        '{% translate "Cart" as cart %}',
        "{% url 'catalog:product-detail' product.pk %}",
        "{% url view_name %}",
        "{% static path %}",
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}",
        "{% blocktranslate with name=user.email %}Hello {{ name }}{% endblocktranslate %}",
        "{% now 'Y' %}",
        '{% include "includes/pagination.html" %}',
        '{% translate "May" context "month" %}',
        "{% blocktranslate count counter=3 %}one{% plural %}many{% endblocktranslate %}",
        "{% blocktranslate asvar greeting %}Hello{% endblocktranslate %}",
        "{% blocktranslate %}See {{ api_url }}{% endblocktranslate %}{% url 'api-docs' as api_url %}",  # named after
        "{% url 'home' as api_url %}{% blocktranslate %}See {{ api_url|upper }}{% endblocktranslate %}",
        "{% translate 'Cart'|upper %}",
        "{% static 'css/site.css' as stylesheet %}",
        "{% constant %}x{% endconstant %}",
        "{% block shell %}x{% endblock %}",
    ],
)
def test_anything_that_may_depend_on_the_request_is_refused_when_the_template_is_compiled(inside):
    with pytest.raises(TemplateSyntaxError, match="same for every request in a language"):
        Template(
            f"{{% load i18n static constant_parts %}}{{% constant %}}{inside}{{% endconstant %}}",
        )


@pytest.mark.parametrize(
    "inside",
    [
        "plain text {# a comment #}{% comment %}{{ user }}{% endcomment %}",
        "{% load static %}{% static 'css/site.css' %}",
        '{% translate "Cart" noop %}',
        "{% url 'catalog:product-detail' 7 %}",
        "{% url 'api-docs' as api_url %}{% blocktranslate trimmed %} See {{ api_url }} {% endblocktranslate %}",
    ],
)
def test_what_is_the_same_for_everyone_compiles(inside):
    Template(f"{{% load i18n static constant_parts %}}{{% constant %}}{inside}{{% endconstant %}}")


def test_a_tag_built_on_an_allowed_node_is_refused_too():
    """A custom tag subclassing {% url %}'s node may read anything (here the request's host)."""

    class AbsoluteURLNode(URLNode):
        def render(self, context):
            return context.request.build_absolute_uri(super().render(context))

    url_node = Template("{% url 'home' %}").nodelist[0]
    absolute = AbsoluteURLNode(url_node.view_name, url_node.args, url_node.kwargs, url_node.asvar)

    assert constant_parts._refusal(url_node, set()) is None
    assert "may depend on the request" in constant_parts._refusal(absolute, set())


def test_no_more_variants_are_kept_than_the_bound(monkeypatch):
    monkeypatch.setattr(constant_parts, "KEPT_VARIANTS", 2)
    page = Template('{% load constant_parts %}{% constant %}{% url "home" %}{% endconstant %}')
    node = next(node for node in page.nodelist if isinstance(node, constant_parts.ConstantNode))
    with translation.override("en"):
        for prefix in ("/a/", "/b/", "/c/", "/d/"):
            set_script_prefix(prefix)
            try:
                assert page.render(Context()) == prefix
            finally:
                set_script_prefix("/")
    assert len(node.rendered) == 2


def test_a_change_of_settings_forgets_what_was_kept(settings):
    page = Template("{% load i18n constant_parts %}{% constant %}{% translate 'Cart' %}{% endconstant %}")
    node = page.nodelist.get_nodes_by_type(ConstantNode)[0]
    with translation.override("en"):
        page.render(Context())
    assert node.rendered

    settings.LANGUAGE_CODE = "ru"

    assert node.rendered == {}


def _thing(request):
    return None


# Two instances of one application, as `{% url %}` tells apart by the view that answers.
urlpatterns = [
    urls.path("a/", urls.include(([urls.path("thing/", _thing, name="thing")], "things"), namespace="a")),
    urls.path("b/", urls.include(([urls.path("thing/", _thing, name="thing")], "things"), namespace="b")),
]


@pytest.mark.urls(__name__)
def test_each_application_instance_gets_its_own_addresses():
    page = Template('{% load constant_parts %}{% constant %}{% url "things:thing" %}{% endconstant %}')
    answers = []
    for path in ("/a/thing/", "/b/thing/", "/a/thing/"):
        request = RequestFactory().get(path)
        request.resolver_match = urls.resolve(path)
        answers.append(page.render(RequestContext(request)))
    assert answers == ["/a/thing/", "/b/thing/", "/a/thing/"]
