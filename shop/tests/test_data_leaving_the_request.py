"""Whatever leaves the request (events, logs, metrics, mails) carries no secret and no address
it does not need.

One real journey (sign-up and confirmation, API and storefront logins, browsing and search, a
cart, a checkout, a review, a seller's edit, the back-office), then a scan of everything it left
behind: the outbox (what Kafka and ClickHouse receive), the log, a /metrics scrape and the mails,
for session keys, API tokens, password hashes and email addresses.
"""

import json
import logging
import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.tests.factories import PASSWORD, SellerFactory, StaffFactory, confirm_from_mail
from catalog.tests.factories import ProductFactory
from shop.models import OutboxEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-pass-phrase-9"


def _journey(api, caplog) -> dict:
    """Walk the shop as its people do; returns every secret the walk made or used."""
    seller = SellerFactory()
    product = ProductFactory(seller=seller, stock=20, title="Teapot")
    staff = StaffFactory()
    secrets: dict[str, set[str]] = {"session keys": set(), "tokens": set()}

    api.post("/api/v1/auth/signup", {"email": "walker@example.com", "password": NEW_PASSWORD}, format="json")
    confirmed = confirm_from_mail(api, "walker@example.com", NEW_PASSWORD)
    assert confirmed.status_code == 200
    tokens = api.post(
        "/api/v1/auth/login", {"email": "walker@example.com", "password": NEW_PASSWORD}, format="json"
    ).json()
    refreshed = api.post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]}, format="json").json()
    secrets["tokens"] |= {
        *tokens.values(),
        *refreshed.values(),
        confirmed.json()["access"],
        confirmed.json()["refresh"],
    }
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed['access']}")
    api.get("/api/v1/products", {"q": "tea"})
    api.get(f"/api/v1/products/{product.pk}")
    api.get("/api/v1/search", {"q": "teapot"})
    assert api.post("/api/v1/cart", {"product": product.pk, "quantity": 2}, format="json").status_code in (200, 201)
    assert api.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="walk-1").status_code == 201
    api.post(f"/api/v1/products/{product.pk}/comments", {"rating": 5, "text": "Pours well."}, format="json")

    shopper = Client()
    shopper.get("/")
    shopper.get("/products/", {"q": "tea"})
    shopper.post("/cart/add/", {"product": product.pk, "quantity": 1})
    shopper.get(product.get_absolute_url())
    shopper.post("/accounts/login/", {"username": "walker@example.com", "password": NEW_PASSWORD})
    shopper.get("/cart/")
    shopper.post("/checkout/", {"shipping_name": "Walker", "shipping_address": "1 Road", "token": "walk-page-1"})
    shopper.get("/orders/")
    shopper.get("/search/", {"q": "teapot"})
    shopper.post("/accounts/login/", {"username": "walker@example.com", "password": "wrong-on-purpose"})
    secrets["session keys"].add(shopper.session.session_key)

    seller_browser, back_office = Client(), Client()
    seller_browser.post("/accounts/login/", {"username": seller.email, "password": PASSWORD})
    seller_browser.get(f"/seller/products/{product.pk}/edit/")
    back_office.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    for path in (
        "/admin/",
        "/admin/catalog/product/",
        f"/admin/catalog/product/{product.pk}/change/",
        "/admin/orders/order/",
    ):
        back_office.get(path)
    back_office.get(product.get_absolute_url())
    secrets["session keys"] |= {seller_browser.session.session_key, back_office.session.session_key}
    secrets["session keys"].discard(None)
    secrets["password hashes"] = set(User.objects.values_list("password", flat=True))
    secrets["email addresses"] = set(User.objects.values_list("email", flat=True))
    return secrets


def _found(text: str, secrets: dict) -> dict:
    leaks = {}
    for kind, values in secrets.items():
        hits = [value for value in values if value and value in text]
        if kind == "tokens":  # a token's signature alone is enough to spot a copy cut to pieces
            hits += [value for value in values if value.count(".") == 2 and value.rsplit(".", 1)[1] in text]
        if hits:
            leaks[kind] = sorted(set(hits))[:3]
    return leaks


def test_risk_secrets_and_addresses_leave_the_request(api, client, caplog):
    caplog.set_level(logging.INFO)
    secrets = _journey(api, caplog)
    assert secrets["session keys"] and secrets["tokens"] and OutboxEvent.objects.count() > 5

    events = "\n".join(json.dumps(event.message()) + event.key for event in OutboxEvent.objects.all())
    scrape = client.get("/metrics").content.decode()
    assert "django_http_requests" in scrape  # a real scrape, not a 404

    assert _found(events, secrets) == {}, "events (Kafka, ClickHouse) carry these"
    assert _found(caplog.text, secrets) == {}, "the log carries these"
    assert _found(scrape, secrets) == {}, "/metrics carries these"


def test_risk_mails_carry_more_than_their_reader_needs(api, caplog):
    """A mail names its own reader at most: no session, no API token, no hash, nobody else's address."""
    secrets = _journey(api, caplog)
    assert mail.outbox

    for message in mail.outbox:
        others = {**secrets, "email addresses": secrets["email addresses"] - set(message.to)}
        text = message.subject + message.body
        assert _found(text, others) == {}, (message.subject, message.to)
        assert not re.search(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", text), "an API token in a mail"
