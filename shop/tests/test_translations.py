"""The catalogue checks: every string we show is extracted and translated, and a page rendered in
Russian carries no English of ours."""

import contextlib
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from shop.i18n.catalogues import MAKEMESSAGES_OPTIONS
from shop.tests.english import CATALOGUE, english_in, english_words, messages, visible_text


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (scripts/stack tools)")
def test_makemessages_extracts_nothing_the_catalogue_lacks(tmp_path, settings, monkeypatch):
    """Re-extract from a copy of the code into a temporary folder (makemessages writes beside the code
    it reads): any string marked for translation and missing from the committed catalogue (or left
    there after its code went) fails, naming it."""
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "code"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns(".*", "media", "staticfiles", "locale", "__pycache__", "*.sqlite3*", "docs"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [str(copy / "locale")]
    options = {key: value for key, value in MAKEMESSAGES_OPTIONS.items() if key != "all"}
    call_command("makemessages", locale=["ru"], verbosity=0, **options)
    fresh = messages(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    kept = messages(CATALOGUE)

    assert not fresh - kept, f"not in locale/ru (run makemessages and translate): {sorted(fresh - kept, key=str)}"
    assert not kept - fresh, f"in locale/ru but no longer in the code: {sorted(kept - fresh, key=str)}"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext is not installed (scripts/stack tools)")
def test_the_russian_catalogue_is_complete_and_valid():
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert re.fullmatch(r"\d+ translated messages?\.\n", checked.stderr), checked.stderr  # no untranslated, no fuzzy
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    assert not [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]


@pytest.fixture
def russian_shop(db, settings):
    """A small shop whose own words (products, shops, categories, reviews) are Russian."""
    from accounts.services import sign_up
    from cart.services import add_to_cart, user_cart
    from catalog.models import CategoryTranslation
    from catalog.services import create_product
    from catalog.tests.factories import CategoryFactory
    from orders.services import place_order
    from reviews.services import post_review

    settings.SHOP_CURRENCY = "RUB"
    seller = sign_up(email="prodavec@example.com", password="a-long-secret-42", role="seller", shop_name="Лавка")
    buyer = sign_up(email="pokupatel@example.com", password="a-long-secret-42", first_name="Анна")
    staff = sign_up(email="sotrudnik@example.com", password="a-long-secret-42")
    staff.is_staff = staff.is_superuser = True
    staff.role = "staff"
    staff.save()
    for user in (seller, buyer, staff):
        user.language = "ru"
        user.save(update_fields=["language"])
    kitchen = CategoryFactory(name="Kitchen")
    CategoryTranslation.objects.create(category=kitchen, language="ru", name="Кухня")
    kettle = create_product(
        seller=seller, title="Чайник", price=Decimal("1234.50"), category=kitchen, stock=5, description="Кипятит."
    )
    pan = create_product(
        seller=seller, title="Сковорода", price=Decimal("990"), category=kitchen, stock=4, is_featured=True
    )
    create_product(seller=seller, title="Кастрюля", price=Decimal("1500"), category=kitchen, stock=0)
    add_to_cart(user_cart(buyer), kettle, 2)
    order, _created = place_order(buyer, shipping_name="Анна", shipping_address="Москва")
    post_review(author=buyer, product=kettle, rating=5, text="Отличный чайник.")
    add_to_cart(user_cart(buyer), kettle, 1)
    return {"seller": seller, "buyer": buyer, "staff": staff, "kettle": kettle, "pan": pan, "order": order}


def _pages(shop) -> dict[str, list[str]]:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    kettle, order, buyer = shop["kettle"], shop["order"], shop["buyer"]
    uid = urlsafe_base64_encode(force_bytes(buyer.pk))
    with translation.override("ru"):
        kettle_page = kettle.get_absolute_url()
    return {
        "anonymous": [
            "/ru/",
            "/ru/products/",
            "/ru/products/?category=999999&min_price=x",  # a refused filter: its errors
            f"/ru/products/{kettle.pk}/",
            kettle_page,
            f"/ru/sellers/{shop['seller'].seller_profile.slug}/",
            "/ru/search/?q=чайник",
            "/ru/search/?q=zzzz",
            "/ru/search/?q=Отличный&type=comments",
            "/ru/search/?q=Лавка&type=sellers",
            "/ru/accounts/login/",
            "/ru/accounts/signup/",
            "/ru/accounts/signup/sent/",
            f"/ru/accounts/signup/confirm/{uid}/not-a-token/",
            "/ru/accounts/password/reset/",
            "/ru/accounts/password/reset/done/",
            f"/ru/accounts/reset/{uid}/{default_token_generator.make_token(buyer)}/",
            f"/ru/accounts/reset/{uid}/stale-token/",
            "/ru/accounts/reset/done/",
            "/ru/cart/",
            "/ru/no-such-page/",
        ],
        "buyer": [
            "/ru/cart/",
            "/ru/checkout/",
            "/ru/orders/",
            f"/ru/orders/{order.pk}/",
            kettle_page,  # with the review already posted
            "/ru/accounts/password/change/",
            "/ru/accounts/password/change/done/",
            "/ru/seller/products/",  # not a seller: refused, in Russian
        ],
        "seller": [
            "/ru/seller/products/",
            "/ru/seller/products/new/",
            f"/ru/seller/products/{kettle.pk}/edit/",
            "/ru/accounts/shop/",
            "/ru/admin/",
            "/ru/admin/analytics/",
            "/ru/admin/catalog/product/",
            f"/ru/admin/catalog/product/{kettle.pk}/change/",
            "/ru/admin/orders/orderline/",
        ],
        "staff": ["/ru/admin/", "/ru/admin/analytics/", *_every_admin_screen()],
    }


# Storefront addresses that take a form's POST and redirect: not pages (each answers a GET with 405).
POST_ONLY = {
    "reviews:post",
    "catalog:product-toggle",
    "catalog:product-image-upload",
    "catalog:product-image-primary",
    "catalog:product-image-delete",
    "cart:add",
    "cart:update",
    "cart:remove",
    "orders:cancel",
    "accounts:logout",
}


def _storefront_names() -> set[str]:
    """The names of every address under the language prefix, outside the back-office."""
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner if pattern.namespace else namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    prefixed = next(
        p for p in get_resolver().url_patterns if isinstance(getattr(p, "pattern", None), LocalePrefixPattern)
    )
    return {name for name in walk(prefixed.url_patterns, None) if not name.startswith("admin:")}


# Libraries' back-office screens whose English is theirs and out of a catalogue's reach: the Celery
# schedules (cron_descriptor's English descriptions, labels django-celery-beat leaves untranslated)
# and simplejwt's token tables (fields with no translatable names). Their names on the index are
# translated; everything of ours, and Django's own auth screens, are checked.
NOT_OURS = {"django_celery_beat", "token_blacklist"}


def _every_admin_screen() -> list[str]:
    """Each registered model's list, its add form and the change form of its first row, in Russian."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    screens = []
    with translation.override("ru"):
        for model in admin.site._registry:
            if model._meta.app_label in NOT_OURS:
                continue
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            screens.append(reverse(f"{name}_changelist"))
            with contextlib.suppress(NoReverseMatch):  # a model nobody adds by hand
                screens.append(reverse(f"{name}_add"))
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                screens.append(reverse(f"{name}_change", args=[first.pk]))
    return screens


@pytest.fixture
def shelves_full(monkeypatch, russian_shop):
    """Every storefront shelf shows (its candidates stubbed: which products is not the question here)."""
    from recommendations import candidates

    products = [russian_shop["kettle"].pk, russian_shop["pan"].pk]
    monkeypatch.setattr(candidates, "bought_with", lambda product_id: products)
    monkeypatch.setattr(candidates, "best_sellers", lambda category_id=None: products)
    monkeypatch.setattr(candidates, "for_shopper", lambda user_id, bought: products)
    monkeypatch.setattr(candidates, "rising", lambda: [(pk, 2.0) for pk in products])


def test_every_shelf_is_titled_in_russian():
    from recommendations.selectors import TITLES, Shelf, Source

    assert set(TITLES) == set(Source) - {Source.UNAVAILABLE}  # each shelf a page can show has a title
    with translation.override("ru"):
        titles = {source: Shelf(source).title for source in TITLES}
    assert all(re.search("[а-яё]", title) for title in titles.values()), titles
    assert not english_in(" ".join(titles.values()), english_words()), titles


def test_pages_rendered_in_russian_carry_no_english_of_ours(client, russian_shop, shelves_full):
    from django.urls import Resolver404, resolve

    english = english_words()
    found, visited = {}, set()
    for who, paths in _pages(russian_shop).items():
        client.logout()
        if who != "anonymous":
            client.force_login(russian_shop[who])
        for path in paths:
            response = client.get(path, follow=True)
            # the dashboard answers 503 (in Russian too) when no warehouse answers; a refusal is a page too
            assert response.status_code in (200, 403, 404, 503), (path, response.status_code)
            assert response["Content-Language"] == "ru", path
            with contextlib.suppress(Resolver404):
                visited.add(resolve(path.split("?")[0]).view_name)
            leftover = english_in(visible_text(response.content.decode()), english)
            if leftover:
                found[path] = sorted(leftover)

    assert not found, f"English words of ours on Russian pages: {found}"
    client.force_login(russian_shop["buyer"])
    shelves = (
        client.get("/ru/").content.decode()
        + client.get(f"/ru/products/{russian_shop['pan'].pk}/", follow=True).content.decode()
    )
    assert "Сейчас в тренде" in shelves and "Рекомендуем вам" in shelves and "Часто покупают вместе" in shelves
    unvisited = _storefront_names() - visited - POST_ONLY
    assert not unvisited, f"storefront pages this check does not render (add them to _pages): {sorted(unvisited)}"


def test_what_the_page_check_skips_is_not_a_page(client, russian_shop):
    from django.urls import reverse

    client.force_login(russian_shop["seller"])
    kettle = russian_shop["kettle"]
    for name in sorted(POST_ONLY):
        arguments = {"pk": kettle.pk, "image_id": 1} if "image-" in name else {"pk": kettle.pk}
        for kwargs in (arguments, {"pk": kettle.pk}, {}):
            try:
                with translation.override("ru"):  # the Russian addresses, as the page check visits them
                    path = reverse(name, kwargs=kwargs)
                break
            except Exception:  # noqa: S112 (the next set of arguments)
                continue
        assert client.get(path).status_code == 405, name


def test_mails_to_russian_speakers_carry_no_english_of_ours(client, russian_shop, settings):
    from orders.tasks import mail_order_placed

    english = english_words()
    mail.outbox.clear()
    mail_order_placed(russian_shop["order"].pk)
    client.post("/ru/accounts/signup/", {"email": "novyi@example.com", "password": "a-long-secret-42", "role": "buyer"})
    client.post(
        "/ru/accounts/signup/", {"email": "pokupatel@example.com", "password": "a-long-secret-42", "role": "buyer"}
    )
    client.post("/accounts/password/reset/", {"email": "pokupatel@example.com"})  # the account's language

    assert len(mail.outbox) == 5
    subjects = [message.subject for message in mail.outbox]
    assert subjects[0].startswith("Ваш заказ №") and subjects[1].startswith("Новый заказ №"), subjects
    assert "/ru/accounts/reset/" in mail.outbox[4].body
    assert "2 × Чайник по 1\u00a0234,50" in mail.outbox[0].body
    for message in mail.outbox:
        leftover = english_in(visible_text(message.subject + "\n" + message.body), english)
        assert not leftover, (message.subject, leftover)


def _error_pages(request) -> dict[int, str]:
    """Each error page as its handler writes it for this request (the 503 while the database fails)."""
    from django.db import OperationalError

    from accounts.throttling import too_many_attempts
    from shop import error_views

    pages = {
        400: error_views.bad_request(request),
        403: error_views.permission_denied(request),
        404: error_views.page_not_found(request),
        429: too_many_attempts(request, 30),
        500: error_views.server_error(request),
    }
    try:
        raise OperationalError("the database went away")
    except OperationalError:
        pages[503] = error_views.server_error(request)
    return {status: response.content.decode() for status, response in pages.items() if response.status_code == status}


@pytest.mark.django_db
def test_error_pages_in_russian_carry_no_english_of_ours(rf):
    """The pages a person meets when something fails, each in Russian: 400, 403, 404, 429, 500, 503."""
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/ru/products/")
    request.user, request.session = AnonymousUser(), {}
    with translation.override("ru"):
        pages = _error_pages(request)

    assert sorted(pages) == [400, 403, 404, 429, 500, 503]
    english = english_words()
    for status, page in pages.items():
        assert '<html lang="ru">' in page and re.search("[а-яё]{4,}", page), status
        assert not english_in(visible_text(page), english), (status, sorted(english_in(visible_text(page), english)))
    with translation.override("en"):
        assert "Something went wrong" in _error_pages(request)[500]  # the check reads what it thinks it reads


def test_every_text_a_person_reads_is_marked_for_translation():
    """makemessages sees only what is marked: a sentence nobody wrapped in gettext would stay English
    on every Russian page, mail, API error and command. shop.i18n.audit reads our templates and
    Python for text a person reads that is not marked."""
    from shop.i18n.audit import untranslated

    findings = untranslated(Path(settings.BASE_DIR))

    assert not findings, "text a person reads, not marked for translation:\n" + "\n".join(map(str, findings))


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ('{% load i18n %}<p title="Tip">{% translate "Hello" %} there</p>', "page.html", ["Tip", "there"]),
        ("{% load i18n %}<p>{% blocktranslate %}All {{ n }} here{% endblocktranslate %}</p>", "page.html", []),
        ('<input type="submit" value="Send"><code>manage.py run</code>', "page.html", ["Send"]),
        ('<option value="{{ v }}"{% if on %} selected{% endif %}>{{ label }}</option>', "page.html", []),
        ("{% load i18n %}{% translate 'Subject' %}\nDear customer,\n", "mail.txt", ["Dear customer,"]),
        ('raise DomainError("Out of stock.")', "services.py", ["Out of stock."]),
        ('raise DomainError(_("Out of stock."))', "services.py", []),
        ('messages.success(request, f"Saved {name}.")', "views.py", ["Saved ."]),
        ('raise ValidationError({"q": ["Too long."]})', "views.py", ["Too long."]),
        ('MESSAGE = "Nope."\nraise Forbidden(MESSAGE)', "services.py", ["Nope."]),
        (
            'def f(t, n):\n    left = f"only {n}" if n else "sold out"\n    raise Conflict(f"{t}: {left}.")',
            "services.py",
            ["only ", "sold out"],
        ),
        ('x = _("Hi %(a)s") % {"a": "not prose"}', "views.py", []),
        ('class S(models.TextChoices):\n    NEW = "new"\n    OLD = "old", _("old")', "models.py", ["New"]),
        ('def __str__(self):\n    return f"Order #{self.pk}"', "models.py", ["Order #"]),
        ('self.stdout.write(f"Sent {n} mails")', "management/commands/mail.py", ["Sent  mails"]),
        ('help = "Send mails"', "management/commands/mail.py", ["Send mails"]),
        ('help = "mails"', "views.py", []),
        ('field = serializers.CharField(help_text="The id.")', "api/serializers.py", []),
        ('field = models.CharField(help_text="The id.")', "models.py", ["The id."]),
        (
            "class P(models.Model):\n    title = models.CharField(max_length=9)\n    kind = models.ForeignKey(K)\n"
            '    size = models.IntegerField(_("size"))\n    class Meta:\n        verbose_name = _("p")\n'
            '        verbose_name_plural = _("ps")',
            "models.py",
            ["title (a field without a verbose name)", "kind (a field without a verbose name)"],
        ),
        ("class Q(models.Model):\n    pass", "models.py", ["Q (a model without verbose names)"]),
        ('TITLES = {"a": "Often bought together", "b": _("Trending now")}', "selectors.py", ["Often bought together"]),
        ('def f():\n    return "The stock changed."', "forms.py", ["The stock changed."]),
        ('log.warning("The warehouse is down.")\nraise ValueError("Not a kind.")', "views.py", []),
        ('"""A docstring that reads well."""\nHEADERS = {"Retry-After": "5"}', "views.py", []),
        ('body = {"text": "Test message"}  # data, not words', "views.py", []),
    ],
)
def test_the_audit_finds_unmarked_text_and_only_that(tmp_path, source, name, expected):
    """The audit is a check that can fail: each kind of unmarked text is found, marked text is not."""
    from shop.i18n.audit import python_findings, template_findings

    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    findings = (template_findings if name.endswith((".html", ".txt")) else python_findings)(path, tmp_path)

    assert [finding.text.removesuffix(" (a label made from the name)") for finding in findings] == expected


def _command_output(name: str, *args) -> str:
    from django.core.management.base import CommandError

    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=out)
    except CommandError as error:
        out.write(str(error))
    return out.getvalue()


@pytest.mark.django_db
def test_commands_speak_russian_to_a_russian_operator(settings):
    """Each command's human output and its --help, in Russian: no English word of ours left."""
    from django.core.management import load_command_class
    from django.core.management.base import BaseCommand

    settings.KAFKA_BOOTSTRAP_SERVERS = settings.SEARCH_URL = ""
    english = english_words()
    with translation.override("ru"):
        outputs = {
            "purge_guest_carts": _command_output("purge_guest_carts", "--days", "3"),
            "purge_guest_carts --days 0": _command_output("purge_guest_carts", "--days", "0"),
            "search_index": _command_output("search_index"),
            "kafka_check": _command_output("kafka_check"),
            "relay_events": _command_output("relay_events"),
            "consume_events": _command_output("consume_events"),
            "ensure_bucket": _command_output("ensure_bucket"),
            "compile_translations": _command_output("compile_translations"),
        }
        for app, name in [
            ("analytics", "analytics_run"),
            ("analytics", "analytics_migrate"),
            ("analytics", "analytics_schema"),
            ("analytics", "consume_events"),
            ("cart", "purge_guest_carts"),
            ("catalog", "search_index"),
            ("shop", "api_schema"),
            ("shop", "compile_translations"),
            ("shop", "ensure_bucket"),
            ("shop", "kafka_check"),
            ("shop", "relay_events"),
            ("shop", "seed_demo"),
            ("shop", "update_catalogue"),
        ]:
            parser = load_command_class(app, name).create_parser("manage.py", name)
            # argparse's words ("usage", "options") are Python's, the common options Django's: ours are the rest
            common = {action.dest for action in BaseCommand().create_parser("manage.py", name)._actions}
            outputs[f"{name} --help"] = " ".join(
                [str(parser.description or "")]
                + [str(action.help) for action in parser._actions if action.help and action.dest not in common]
            )

    assert "гостевых корзин" in outputs["purge_guest_carts"] and "не меньше 1" in outputs["purge_guest_carts --days 0"]
    # options, names (S3_ENDPOINT_URL, raw_events, test-topic), files and paths are not words
    names = re.compile(r"--[\w-]+|\b[a-z]+(?:-[a-z]+)+\b|\S*_\S*|\S+\.\w+\b|/[\w/.*-]+")
    leftover = {
        name: sorted(found) for name, text in outputs.items() if (found := english_in(names.sub(" ", text), english))
    }
    assert not leftover, leftover


def test_manage_py_speaks_the_operators_locale():
    """manage.py takes the language from the terminal's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    import os
    import sys

    def run(**locale):
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG"))}
        return subprocess.run(
            [sys.executable, "manage.py", "purge_guest_carts", "--days", "0"],
            cwd=settings.BASE_DIR,
            env={**environment, "DEBUG": "true", **locale},
            capture_output=True,
            text=True,
            timeout=120,
        ).stderr

    assert "не меньше 1" in run(LANG="ru_RU.UTF-8")
    assert "at least 1" in run(LANG="C.UTF-8")
    assert "at least 1" in run(LANG="ru_RU.UTF-8", LANGUAGE="en")


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "ru_RU.UTF-8"}, "ru"),
        ({"LANGUAGE": "de:ru", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "POSIX", "LC_MESSAGES": "ru_RU"}, "ru"),
        ({}, "en"),
    ],
)
def test_the_operators_language_comes_from_the_locale_variables(environment, expected):
    from shop.i18n import operator_language

    assert operator_language(environment) == expected
