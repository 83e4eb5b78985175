"""GET /api/v1/purchases/{id}/events: an order's status history, as an app shows it."""

import pytest

from accounts.tests.factories import BuyerFactory
from orders.services import change_status
from orders.status import OrderStatus
from orders.tests.factories import order_for

pytestmark = pytest.mark.django_db


def test_the_buyer_sees_every_change_oldest_first(api_as, buyer, staff, product):
    order = order_for(buyer, (product, 1))
    change_status(order, OrderStatus.PAID, by=staff)
    change_status(order, OrderStatus.SHIPPED, by=staff)

    body = api_as(buyer).get(f"/api/v1/purchases/{order.pk}/events").json()

    assert body["order"] == order.pk and body["status"] == "shipped"
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in body["events"]] == [
        (None, "placed", "buyer"),
        ("placed", "paid", "staff"),
        ("paid", "shipped", "staff"),
    ]


def test_after_gives_only_what_is_new(api_as, buyer, product):
    order = order_for(buyer, (product, 1))
    client = api_as(buyer)
    (placed,) = client.get(f"/api/v1/purchases/{order.pk}/events").json()["events"]
    client.post(f"/api/v1/purchases/{order.pk}/cancel")

    new = client.get(f"/api/v1/purchases/{order.pk}/events?after={placed['id']}").json()["events"]

    assert [(e["from_status"], e["to_status"]) for e in new] == [("placed", "cancelled")]


def test_an_app_polls_cheaply_until_something_happens(api_as, buyer, staff, product):
    order = order_for(buyer, (product, 1))
    client, url = api_as(buyer), f"/api/v1/purchases/{order.pk}/events"
    etag = client.get(url)["ETag"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    change_status(order, OrderStatus.PAID, by=staff)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert changed.status_code == 200 and changed.json()["status"] == "paid"


def test_only_the_buyer_and_staff_see_an_order_s_events(api, api_as, buyer, staff, product):
    order = order_for(buyer, (product, 1))
    url = f"/api/v1/purchases/{order.pk}/events"

    assert api_as(BuyerFactory()).get(url).status_code == 404
    assert api.get(url).status_code == 401
    assert api_as(staff).get(url).status_code == 200


def test_the_purchase_history_says_null_for_the_first_previous_status(api_as, buyer, product):
    order = order_for(buyer, (product, 1))

    history = api_as(buyer).get(f"/api/v1/purchases/{order.pk}").json()["history"]

    assert history[0]["from_status"] is None and history[0]["to_status"] == "placed"
