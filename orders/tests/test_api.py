"""Purchases through the REST API: checkout, idempotency, history, cancellation, statuses."""

from decimal import Decimal

import pytest

from cart.models import CartItem
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderLine
from orders.tests.factories import order_for

pytestmark = pytest.mark.django_db


def _fill_cart(client, *products_and_quantities):
    for product, quantity in products_and_quantities:
        assert client.post("/api/v1/cart", {"product": product.pk, "quantity": quantity}).status_code == 201


def test_purchase_buys_the_whole_cart(api_as, buyer, seller):
    kettle = ProductFactory(seller=seller, title="Kettle", price=Decimal("19.99"), stock=5)
    mug = ProductFactory(seller=seller, title="Mug", price=Decimal("4.50"), stock=10)
    client = api_as(buyer)
    _fill_cart(client, (kettle, 2), (mug, 3))

    response = client.post("/api/v1/purchases")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "placed"
    assert body["total"] == "53.48"
    assert [(line["title"], line["quantity"], line["unit_price"]) for line in body["lines"]] == [
        ("Kettle", 2, "19.99"),
        ("Mug", 3, "4.50"),
    ]
    assert Product.objects.get(pk=kettle.pk).stock == 3
    assert Product.objects.get(pk=mug.pk).stock == 7
    assert client.get("/api/v1/cart").json()["items"] == []


def test_lines_keep_the_price_and_title_of_the_day(api_as, buyer, product):
    original_title = product.title
    order = order_for(buyer, (product, 1))
    product.title, product.price = "Renamed", Decimal("99.00")
    product.save()

    line = api_as(buyer).get(f"/api/v1/purchases/{order.pk}").json()["lines"][0]

    assert (line["title"], line["unit_price"]) == (original_title, "10.00")


def test_an_empty_cart_cannot_be_bought(api_as, buyer):
    response = api_as(buyer).post("/api/v1/purchases")

    assert response.status_code == 400
    assert "cart is empty" in response.json()["detail"]
    assert not Order.objects.exists()


def test_not_enough_stock_answers_409_and_writes_nothing(api_as, buyer, seller):
    plenty = ProductFactory(seller=seller, stock=10)
    scarce = ProductFactory(seller=seller, stock=5, title="Scarce")
    client = api_as(buyer)
    _fill_cart(client, (plenty, 2), (scarce, 5))
    Product.objects.filter(pk=scarce.pk).update(stock=4)

    response = client.post("/api/v1/purchases")

    assert response.status_code == 409
    assert "Scarce is only 4 left" in response.json()["detail"]
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert Product.objects.get(pk=plenty.pk).stock == 10
    assert CartItem.objects.count() == 2


def test_a_product_taken_off_sale_meanwhile_answers_409(api_as, buyer, product):
    client = api_as(buyer)
    _fill_cart(client, (product, 1))
    Product.objects.filter(pk=product.pk).update(is_active=False)

    response = client.post("/api/v1/purchases")

    assert response.status_code == 409
    assert not Order.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_first_order(api_as, buyer, product):
    client = api_as(buyer)
    _fill_cart(client, (product, 2))

    first = client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="checkout-1")
    _fill_cart(client, (product, 1))
    retry = client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="checkout-1")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 8


def test_another_key_makes_another_order(api_as, buyer, product):
    client = api_as(buyer)
    _fill_cart(client, (product, 1))
    client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="a")
    _fill_cart(client, (product, 1))

    response = client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="b")

    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_the_same_key_from_another_buyer_is_theirs_alone(api_as, buyer, product):
    from accounts.tests.factories import BuyerFactory

    other = BuyerFactory()
    _fill_cart(api_as(buyer), (product, 1))
    _fill_cart(api_as(other), (product, 1))

    mine = api_as(buyer).post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="same")
    theirs = api_as(other).post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="same")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_an_overlong_idempotency_key_answers_400(api_as, buyer, product):
    client = api_as(buyer)
    _fill_cart(client, (product, 1))

    response = client.post("/api/v1/purchases", HTTP_IDEMPOTENCY_KEY="k" * 300)

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_clients_cannot_set_prices_or_totals(api_as, buyer, product):
    client = api_as(buyer)
    _fill_cart(client, (product, 1))

    response = client.post("/api/v1/purchases", {"total": "0.01", "lines": [{"unit_price": "0.01"}], "status": "paid"})

    assert response.status_code == 201
    assert (response.json()["total"], response.json()["status"]) == ("10.00", "placed")


def test_history_lists_only_my_purchases(api_as, buyer, product):
    from accounts.tests.factories import BuyerFactory

    mine = order_for(buyer, (product, 1))
    order_for(BuyerFactory(), (product, 1))

    response = api_as(buyer).get("/api/v1/purchases")

    assert [o["id"] for o in response.json()["results"]] == [mine.pk]


def test_another_buyers_purchase_is_not_found(api_as, buyer, product):
    from accounts.tests.factories import BuyerFactory

    theirs = order_for(BuyerFactory(), (product, 1))

    assert api_as(buyer).get(f"/api/v1/purchases/{theirs.pk}").status_code == 404
    assert api_as(buyer).post(f"/api/v1/purchases/{theirs.pk}/cancel").status_code == 404


def test_purchases_need_a_token(api):
    assert api.get("/api/v1/purchases").status_code == 401
    assert api.post("/api/v1/purchases").status_code == 401


def test_cancel_returns_the_stock(api_as, buyer, product):
    order = order_for(buyer, (product, 4))

    response = api_as(buyer).post(f"/api/v1/purchases/{order.pk}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Product.objects.get(pk=product.pk).stock == 10


def test_cancelling_twice_answers_409_and_returns_stock_once(api_as, buyer, product):
    order = order_for(buyer, (product, 4))
    client = api_as(buyer)
    client.post(f"/api/v1/purchases/{order.pk}/cancel")

    response = client.post(f"/api/v1/purchases/{order.pk}/cancel")

    assert response.status_code == 409
    assert Product.objects.get(pk=product.pk).stock == 10


def test_a_buyer_cannot_cancel_a_paid_order(api_as, buyer, staff, product):
    order = order_for(buyer, (product, 1))
    api_as(staff).post(f"/api/v1/purchases/{order.pk}/status", {"status": "paid"})

    response = api_as(buyer).post(f"/api/v1/purchases/{order.pk}/cancel")

    assert response.status_code == 409
    assert "contact us" in response.json()["detail"]


def test_staff_move_an_order_along_its_statuses(api_as, buyer, staff, product):
    order = order_for(buyer, (product, 1))
    client = api_as(staff)

    codes = [
        client.post(f"/api/v1/purchases/{order.pk}/status", {"status": s}).status_code
        for s in ("paid", "shipped", "delivered")
    ]

    order.refresh_from_db()
    assert codes == [200, 200, 200]
    assert order.status == "delivered"
    assert [c.to_status for c in order.status_changes.all()] == ["placed", "paid", "shipped", "delivered"]


def test_a_forbidden_transition_answers_409_with_the_allowed_ones(api_as, buyer, staff, product):
    order = order_for(buyer, (product, 1))

    response = api_as(staff).post(f"/api/v1/purchases/{order.pk}/status", {"status": "delivered"})

    assert response.status_code == 409
    assert "allowed next: Paid, Cancelled" in response.json()["detail"]  # the statuses' names, in the answer's language


def test_a_buyer_cannot_mark_their_order_paid(api_as, buyer, product):
    order = order_for(buyer, (product, 1))

    response = api_as(buyer).post(f"/api/v1/purchases/{order.pk}/status", {"status": "paid"})

    order.refresh_from_db()
    assert response.status_code == 403
    assert order.status == "placed"


def test_an_unknown_status_answers_400(api_as, staff, buyer, product):
    order = order_for(buyer, (product, 1))

    response = api_as(staff).post(f"/api/v1/purchases/{order.pk}/status", {"status": "teleported"})

    assert response.status_code == 400


def test_deleting_an_ordered_product_keeps_the_order_history(api_as, buyer, seller, product):
    order = order_for(buyer, (product, 2))
    title = product.title

    assert api_as(seller).delete(f"/api/v1/products/{product.pk}").status_code == 204

    line = api_as(buyer).get(f"/api/v1/purchases/{order.pk}").json()["lines"][0]
    assert (line["product"], line["title"], line["quantity"], line["line_total"]) == (None, title, 2, "20.00")


def test_a_broken_broker_after_the_commit_does_not_fail_the_purchase(api_as, buyer, product, settings, monkeypatch):
    from django.test import TestCase

    from catalog.models import SearchQueueEntry
    from catalog.tasks import process_search_queue
    from config.celery import app as celery_app

    def unreachable_broker(*args, **kwargs):
        raise ConnectionError("broker went away")

    settings.SEARCH_URL = "http://127.0.0.1:9"  # configured, so the purchase queues its products for indexing
    monkeypatch.setattr(process_search_queue, "delay", unreachable_broker)
    client = api_as(buyer)
    client.post("/api/v1/cart", {"product": product.pk, "quantity": 1})

    celery_app.conf.task_always_eager = False  # as with a broker configured
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post("/api/v1/purchases")
    finally:
        celery_app.conf.task_always_eager = True

    assert response.status_code == 201
    assert SearchQueueEntry.objects.filter(object_id=product.pk).exists()  # still queued for later
