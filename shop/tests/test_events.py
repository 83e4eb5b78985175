"""Every action writes its domain event to the outbox, in the transaction that made it."""

import json

import pytest
from django.test import Client

from accounts.tests.factories import PASSWORD, confirm_from_mail
from catalog.tests.factories import CategoryFactory, ProductFactory
from shop.events import EVENT_VERSIONS, record
from shop.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _events(event_type: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type=event_type))


def test_a_confirmed_sign_up_records_user_signed_up(api):
    api.post("/api/v1/auth/signup", {"email": "ev@example.com", "password": "a-long-secret-42"})
    assert not _events("user_signed_up")  # not until the address is confirmed

    confirm_from_mail(api, "ev@example.com", "a-long-secret-42")

    [event] = _events("user_signed_up")
    assert event.payload == {"role": "buyer"} and event.user_id is not None
    assert event.key == f"user:{event.user_id}"


def test_the_shopping_journey_records_its_events(api_as, buyer, staff, seller):
    product = ProductFactory(seller=seller, stock=5)
    client = api_as(buyer)

    client.get(f"/api/v1/products/{product.pk}")
    client.get("/api/v1/search?q=anything")
    item_id = client.post("/api/v1/cart", {"product": product.pk, "quantity": 2}).json()["items"][0]["id"]
    client.patch(f"/api/v1/cart/{item_id}", {"quantity": 0})
    client.post("/api/v1/cart", {"product": product.pk, "quantity": 3})
    order_id = client.post("/api/v1/purchases").json()["id"]
    api_as(staff).post(f"/api/v1/purchases/{order_id}/status", {"status": "paid"})
    client.post(f"/api/v1/products/{product.pk}/comments", {"rating": 5, "text": "Great"})

    assert [e.type for e in OutboxEvent.objects.filter(user_id=buyer.pk)] == [
        "product_viewed",
        "search_performed",
        "cart_item_added",
        "cart_item_removed",
        "cart_item_added",
        "order_placed",
        "order_status_changed",
        "review_posted",
    ]
    [placed] = _events("order_placed")
    assert placed.payload["total"] == "30.00" and placed.payload["order_id"] == order_id
    assert placed.payload["lines"] == [
        {
            "product_id": product.pk,
            "seller_id": seller.pk,
            "category_id": product.category_id,
            "quantity": 3,
            "unit_price": "10.00",
            "line_total": "30.00",
        }
    ]
    [changed] = _events("order_status_changed")
    assert changed.payload == {"order_id": order_id, "from_status": "placed", "to_status": "paid"}
    assert changed.user_id == buyer.pk  # keyed by the buyer: their events stay in order
    assert _events("search_performed")[0].payload == {"q": "anything", "type": "products", "results": 0}


def test_a_guests_cart_events_are_keyed_by_the_cart(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})

    [event] = _events("cart_item_added")
    assert event.user_id is None and event.session_key.startswith("cart-")


def test_sellers_creating_and_updating_products_record_events(api_as, seller):
    client = api_as(seller)
    body = {"title": "Lamp", "price": "12.50", "stock": 2, "category": CategoryFactory().pk}
    product_id = client.post("/api/v1/products", body).json()["id"]
    client.patch(f"/api/v1/products/{product_id}", {"price": "14.00"})

    [created] = _events("product_created")
    [updated] = _events("product_updated")
    assert created.payload["product_id"] == product_id and created.payload["price"] == "12.50"
    assert updated.payload == {"product_id": product_id, "changed": ["price"], "price": "14.00"}


def test_a_refused_checkout_writes_no_event(api_as, buyer, product):
    client = api_as(buyer)
    client.post("/api/v1/cart", {"product": product.pk, "quantity": 5})
    product.stock = 1
    product.save()

    assert client.post("/api/v1/purchases").status_code == 409

    assert _events("order_placed") == []


def test_risk_live_session_ids_leave_the_request_in_events(client, product, staff):
    """Finding: events carried the session key itself to Kafka and ClickHouse, where anyone who reads
    them could replay a staff member's admin session. They carry a keyed pseudonym: stable within a
    session (the funnel still joins a visit's events), unrelated to the key, different per session."""
    client.force_login(staff)
    client.get(product.get_absolute_url())
    client.get(ProductFactory(seller=product.seller).get_absolute_url())  # a view counts once per product
    other = Client()
    other.get("/")
    other.post("/cart/add/", {"product": product.pk, "quantity": 1})
    other.get(product.get_absolute_url())

    first, again, stranger = _events("product_viewed")
    live = {client.session.session_key, other.session.session_key}
    assert first.session_key and first.session_key == again.session_key
    assert stranger.session_key and stranger.session_key != first.session_key
    for event in OutboxEvent.objects.all():
        stored = json.dumps(event.message())
        assert not any(key in stored or key in event.session_key for key in live), stored


def test_unknown_event_types_are_refused(db):
    with pytest.raises(ValueError, match="unknown event type"):
        record("product_teleported")


def test_every_event_type_is_documented():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / "docs" / "events.md").read_text()
    for event_type, version in EVENT_VERSIONS.items():
        assert f"### `{event_type}` (version {version})" in documented, event_type


def test_the_login_page_login_records_nothing_but_works(client, buyer):
    response = client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    assert response.status_code == 302 and not OutboxEvent.objects.exists()
