"""`{% constant %}` (shop/templatetags/constant_parts.py): rendered once per language, the same HTML
as without it, and refused at compile time around anything that may depend on the request."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django import urls
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError, engines
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import translation

from accounts.tests.factories import BuyerFactory

BASE = Path(settings.BASE_DIR, "templates", "base.html").read_text()
PAGE = "{% block title %}A page{% endblock %}{% block content %}<p>{{ request.GET.q }}</p>{% endblock %}"


def _pages(user, language: str, search: str) -> tuple[str, str]:
    """The same page rendered with the shell as it is and with its {% constant %} tags taken out."""
    django_engine = engines["django"]
    page = django_engine.from_string("{% extends base %}" + PAGE)
    request = RequestFactory().get("/products/", {"q": search})
    request.user = user
    rendered = []
    with translation.override(language):
        for base in (BASE, re.sub(r"{% (end)?constant %}", "", BASE)):
            rendered.append(page.render({"cart_count": 2, "base": django_engine.from_string(base).template}, request))
    return rendered[0], rendered[1]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_shell_is_the_same_html_with_and_without_constant_parts(language):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), BuyerFactory()):
        for search in ("kettle", 'lamp "<b>"'):  # the second time from what the first kept
            kept, plain = _pages(user, language, search)
            # The signed-in person's CSRF token differs between renders; everything else is the same.
            assert re.sub(r'value="[^"]{64}"', "TOKEN", kept) == re.sub(r'value="[^"]{64}"', "TOKEN", plain)
    assert 'value="lamp &quot;&lt;b&gt;&quot;"' in kept  # the request's own part, escaped, is not kept


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
    ],
)
def test_anything_that_may_depend_on_the_request_is_refused_when_the_template_is_compiled(inside):
    with pytest.raises(TemplateSyntaxError, match="same for every request in a language"):
        Template(f"{{% load i18n static constant_parts %}}{{% constant %}}{inside}{{% endconstant %}}")


def test_no_more_variants_are_kept_than_the_bound(monkeypatch):
    from shop.templatetags import constant_parts

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
