"""Choosing the language: addresses, the switcher, the account, Accept-Language, and the mails.

English is the shop's own language in the tests (LANGUAGE_CODE): its pages have no prefix, the
Russian ones live under /ru/.
"""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.models import User
from catalog.tests.factories import ProductFactory
from shop.i18n import formatting

pytestmark = pytest.mark.django_db


def test_a_page_without_a_prefix_is_english_and_under_ru_is_russian(client):
    english = client.get("/products/")
    russian = client.get("/ru/products/")

    assert english.status_code == russian.status_code == 200
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    assert russian["Content-Language"] == "ru" and '<html lang="ru">' in russian.content.decode()
    assert "Каталог" in russian.content.decode() and "Каталог" not in english.content.decode()
    assert "Accept-Language" in russian["Vary"] and "Cookie" in russian["Vary"]


def test_links_with_the_shops_own_prefix_lead_to_the_address_without_it(client):
    response = client.get("/en/products/?page=2")

    assert response.status_code == 301 and response["Location"] == "/products/?page=2"


def test_the_own_prefix_redirect_never_leads_to_another_site(client):
    response = client.get("/en//evil.example/")

    assert response.status_code == 301 and response["Location"] == "/evil.example/"


@pytest.mark.parametrize(
    "how",
    [
        {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"},
        {"HTTP_COOKIE": "django_language=ru"},
    ],
    ids=["accept-language", "cookie"],
)
def test_someone_who_prefers_russian_is_sent_to_the_russian_page(client, how):
    response = client.get("/products/?q=kettle", **how)

    assert response.status_code == 302 and response["Location"] == "/ru/products/?q=kettle"


def test_a_browser_that_prefers_english_stays(client):
    assert client.get("/products/", HTTP_ACCEPT_LANGUAGE="en-GB,ru;q=0.5").status_code == 200


def test_the_choice_on_the_switcher_beats_the_browsers_language(client):
    client.cookies["django_language"] = "en"

    assert client.get("/products/", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200


def test_a_signed_in_persons_language_follows_them_to_a_new_device(client, buyer):
    buyer.language = "ru"
    buyer.save()
    client.force_login(buyer)

    response = client.get("/orders/")

    assert response.status_code == 302 and response["Location"] == "/ru/orders/"


@pytest.mark.parametrize("how", ["browser", "cookie"])
def test_an_address_that_leads_nowhere_says_so_in_the_preferred_language(client, how):
    if how == "cookie":
        client.cookies["django_language"] = "ru"
    headers = {"HTTP_ACCEPT_LANGUAGE": "ru"} if how == "browser" else {}

    missing = client.get("/no-such-page/", **headers)

    assert missing.status_code == 404 and missing["Content-Language"] == "ru"
    assert '<html lang="ru">' in missing.content.decode()
    assert client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en").status_code == 404


def test_an_address_that_leads_nowhere_stays_in_english_for_an_english_browser(client):
    missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert missing.status_code == 404 and missing["Content-Language"] == "en"


def test_a_form_posted_to_an_address_without_a_prefix_is_not_redirected(client):
    response = client.post(
        "/accounts/login/", {"username": "x@example.com", "password": "x"}, HTTP_COOKIE="django_language=ru"
    )

    assert response.status_code == 200  # the form again, with its error: nothing lost to a redirect


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics", "/api/v1/products"])
def test_answers_for_machines_are_never_redirected_and_have_no_language_prefix(client, path):
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="ru").status_code == 200
    assert client.get(f"/ru{path}").status_code == 404


def test_the_switcher_is_a_form_that_works_without_javascript_and_is_kept_on_the_account(client, buyer):
    client.force_login(buyer)
    page = client.get("/products/?q=tea").content.decode()
    form = re.search(r'<form class="language-switcher" action="([^"]+)" method="post"', page)
    assert form and 'name="language" value="ru"' in page and 'name="next" value="/products/?q=tea"' in page

    response = client.post(form.group(1), {"language": "ru", "next": "/products/?q=tea"})

    assert response.status_code == 302 and response["Location"] == "/ru/products/?q=tea"
    assert response.cookies["django_language"].value == "ru"
    assert User.objects.get(pk=buyer.pk).language == "ru"
    back = client.post(form.group(1), {"language": "en", "next": "/ru/products/?q=tea"})
    assert back["Location"] == "/products/?q=tea" and User.objects.get(pk=buyer.pk).language == "en"


@pytest.mark.parametrize("path", ["/", "/products/", "/search/?q=lamp"])
def test_pages_for_visitors_not_signed_in_make_no_csrf_token_and_set_no_cookie(client, path):
    """The switcher on every page would otherwise make a token for every visitor and set a cookie on
    every answer, which no shared cache may keep."""
    response = client.get(path)

    assert response.status_code == 200
    assert 'class="language-switcher"' in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_a_visitor_not_signed_in_switches_without_a_token():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/i18n/setlang/", {"language": "ru", "next": "/products/"})

    assert response.status_code == 302 and response["Location"] == "/ru/products/"
    assert response.cookies["django_language"].value == "ru"


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
    ids=["origin", "sec-fetch-site"],
)
def test_a_switch_posted_from_another_site_is_refused(headers):
    """A stranger's switch needs no token, but not from another site's page: nor a signed-in person's
    whose browser left the session cookie off the cross-site POST (SameSite=Lax), which arrives as a
    stranger's."""
    browser = Client(enforce_csrf_checks=True)

    forged = browser.post("/i18n/setlang/", {"language": "ru", "next": "/products/"}, **headers)
    own = browser.post(
        "/i18n/setlang/",
        {"language": "ru", "next": "/products/"},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert forged.status_code == 403 and "django_language" not in forged.cookies
    assert own.status_code == 302 and own.cookies["django_language"].value == "ru"


def test_a_switch_from_a_trusted_origin_is_taken_as_djangos_own_check_takes_it(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com"]
    browser = Client(enforce_csrf_checks=True)

    trusted = browser.post("/i18n/setlang/", {"language": "ru", "next": "/"}, HTTP_ORIGIN="https://www.example.com")
    foreign = browser.post("/i18n/setlang/", {"language": "ru", "next": "/"}, HTTP_ORIGIN="https://example.org")

    assert trusted.status_code == 302 and foreign.status_code == 403


def test_a_signed_in_persons_switch_needs_the_token_their_page_carries(buyer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)

    forged = browser.post("/i18n/setlang/", {"language": "ru", "next": "/products/"})
    assert forged.status_code == 403
    assert User.objects.get(pk=buyer.pk).language != "ru" and "django_language" not in forged.cookies

    page = browser.get("/products/").content.decode()
    token = re.search(r'class="language-switcher".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S)
    assert token, "the signed-in person's switcher carries a token"
    response = browser.post("/i18n/setlang/", {"language": "ru", "next": "/products/", "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302 and User.objects.get(pk=buyer.pk).language == "ru"


def test_a_page_rendered_before_signing_in_switches_when_the_browser_says_it_is_the_sites_own(buyer):
    """The switcher of a page rendered while the visitor was not signed in carries no token; after
    signing in (in another tab), that switch is theirs when the browser says it came from this site."""
    browser = Client(enforce_csrf_checks=True)
    tokenless_switcher = browser.get("/products/").content.decode()
    assert 'name="csrfmiddlewaretoken"' not in tokenless_switcher.split('class="language-switcher"')[1][:400]
    browser.force_login(buyer)

    own = browser.post("/i18n/setlang/", {"language": "ru", "next": "/products/"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert own.status_code == 302 and own["Location"] == "/ru/products/"
    assert own.cookies["django_language"].value == "ru"
    assert User.objects.get(pk=buyer.pk).language == "ru"

    for headers in (
        {"HTTP_SEC_FETCH_SITE": "same-site"},  # a sibling site
        {"HTTP_SEC_FETCH_SITE": "cross-site"},  # another site
        {"HTTP_SEC_FETCH_SITE": "none"},  # typed or bookmarked: never a form of ours
        {},  # a browser that does not say
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://evil.example"},  # words that disagree
    ):
        refused = browser.post("/i18n/setlang/", {"language": "en", "next": "/ru/products/"}, **headers)
        assert refused.status_code == 403, headers
    assert User.objects.get(pk=buyer.pk).language == "ru"


def test_the_switcher_refuses_to_send_anyone_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "https://evil.example/"})

    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_signing_up_on_a_russian_page_keeps_russian_on_the_account_and_mails_in_it(client):
    client.post("/ru/accounts/signup/", {"email": "anna@example.com", "password": "a-long-secret-42", "role": "buyer"})

    assert User.objects.get(email="anna@example.com").language == "ru"
    assert "/ru/accounts/signup/confirm/" in mail.outbox[-1].body
    assert mail.outbox[-1].subject == "Подтвердите учётную запись в Bazaar"


def test_the_api_answers_in_the_language_asked_for_and_says_which(api):
    russian = api.get("/api/v1/products/999999", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    english = api.get("/api/v1/products/999999")
    unknown = api.get("/api/v1/products/999999", HTTP_ACCEPT_LANGUAGE="de")

    assert russian.status_code == english.status_code == 404
    assert russian["Content-Language"] == "ru" and re.search("[а-яё]", russian.json()["detail"])
    assert english["Content-Language"] == "en" and not re.search("[а-яё]", english.json()["detail"])
    assert unknown["Content-Language"] == "en"
    assert "Accept-Language" in russian["Vary"]


def test_the_api_keeps_machine_formats_in_every_language(api, product):
    product.price = Decimal("1234.50")
    product.save()

    body = api.get(f"/api/v1/products/{product.pk}", HTTP_ACCEPT_LANGUAGE="ru").json()

    assert body["price"] == "1234.50" and re.fullmatch(r"\d{4}-\d\d-\d\dT.*", body["created_at"])


def test_the_account_language_is_read_and_changed_through_the_api(api_as, buyer):
    client = api_as(buyer)
    assert client.get("/api/v1/me").json()["language"] == "en"  # never chose: the shop's own

    changed = client.patch("/api/v1/me", {"language": "ru"}, format="json")
    refused = client.patch("/api/v1/me", {"language": "xx"}, format="json", HTTP_ACCEPT_LANGUAGE="ru")

    assert changed.status_code == 200 and changed.json()["language"] == "ru"
    assert User.objects.get(pk=buyer.pk).language == "ru"
    assert refused.status_code == 400 and "language" in refused.json()["errors"]
    assert re.search("[а-яё]", refused.json()["errors"]["language"][0])


@pytest.mark.django_db(transaction=True)  # the mails leave once the order has committed
def test_order_mails_speak_each_recipients_language(api_as, buyer, seller):
    """The buyer reads Russian, the seller English: one order, a mail each, in each one's language."""
    buyer.language = "ru"
    buyer.save()
    kettle = ProductFactory(seller=seller, title="Kettle", price=Decimal("1234.50"), stock=5)
    client = api_as(buyer)
    client.post("/api/v1/cart", {"product": kettle.pk, "quantity": 1}, format="json")
    mail.outbox.clear()

    with translation.override("en"):  # whatever the request's language, each mail is its reader's
        order_id = client.post("/api/v1/purchases", HTTP_ACCEPT_LANGUAGE="en").json()["id"]

    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[buyer.email].subject.startswith(f"Ваш заказ №{order_id}")
    assert "1\u00a0234,50\u00a0$" in by_address[buyer.email].body
    assert by_address[seller.email].subject.startswith(f"New order #{order_id}")
    assert "$1,234.50" in by_address[seller.email].body


def test_the_password_reset_mail_speaks_the_accounts_language_not_the_pages(client, buyer):
    buyer.language = "ru"
    buyer.save()

    client.post("/accounts/password/reset/", {"email": buyer.email})

    message = mail.outbox[-1]
    assert "Someone asked" not in message.body and "сброс пароля" in message.body
    assert "/ru/accounts/reset/" in message.body


def test_an_account_that_never_chose_gets_the_reset_mail_in_the_pages_language(client, buyer):
    client.post("/ru/accounts/password/reset/", {"email": buyer.email})

    assert "/ru/accounts/reset/" in mail.outbox[-1].body and "сброс пароля" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("ru", "RUB", "1\u00a0234,50\u00a0₽"),
        ("en", "USD", "$1,234.50"),
        ("ru", "USD", "1\u00a0234,50\u00a0$"),
        ("en", "RUB", "RUB\u00a01,234.50"),
        ("en", "EUR", "€1,234.50"),
    ],
)
def test_money_is_written_by_babel_in_the_pages_locale(settings, language, currency, expected):
    settings.SHOP_CURRENCY = currency
    with translation.override(language):
        assert formatting.money(Decimal("1234.50")) == expected


def test_dates_are_written_in_the_pages_locale():
    from datetime import date

    with translation.override("ru"):
        assert formatting.day(date(2026, 5, 5)) == "5 мая 2026\u202fг."
    with translation.override("en"):
        assert formatting.day(date(2026, 5, 5)) == "May 5, 2026"


def test_a_russian_page_shows_prices_in_the_shops_currency(client, settings, seller):
    settings.SHOP_CURRENCY = "RUB"
    product = ProductFactory(seller=seller, title="Чайник", price=Decimal("1234.50"), stock=3)

    with translation.override("ru"):
        page = client.get(product.get_absolute_url()).content.decode()

    assert "1\u00a0234,50\u00a0₽" in page


def test_a_new_product_takes_the_currency_of_the_day_not_of_the_import(settings, seller):
    settings.SHOP_CURRENCY = "RUB"

    assert ProductFactory(seller=seller).currency == "RUB"
