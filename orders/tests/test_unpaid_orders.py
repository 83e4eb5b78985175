"""Unpaid orders hold stock: for a while, and only so many per buyer."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.services import change_status
from orders.status import OrderStatus
from orders.tests.factories import order_for

pytestmark = pytest.mark.django_db


def _age(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_risk_unpaid_orders_hold_the_stock_for_ever(buyer, seller, staff):
    from orders.tasks import expire_unpaid_orders

    product = ProductFactory(seller=seller, stock=10)
    forgotten, paid, fresh = (order_for(buyer, (product, 3)) for _ in range(3))
    change_status(paid, OrderStatus.PAID, by=staff)
    hold = settings.ORDER_HOLD_MINUTES
    _age(forgotten, hold + 1), _age(paid, hold + 1), _age(fresh, hold - 5)

    assert "orders.tasks.expire_unpaid_orders" in {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    expire_unpaid_orders.delay()

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {forgotten.pk: "cancelled", paid.pk: "paid", fresh.pk: "placed"}
    assert Product.objects.get(pk=product.pk).stock == 10 - 3 - 3
    change = forgotten.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == ("placed", "cancelled", None)
    expire_unpaid_orders.delay()  # again: nothing more comes back
    assert Product.objects.get(pk=product.pk).stock == 4


def test_risk_one_account_reserves_a_whole_shop_with_unpaid_orders(api_as, buyer, seller, settings):
    settings.MAX_UNPAID_ORDERS = 3
    product = ProductFactory(seller=seller, stock=100)
    client = api_as(buyer)
    for _ in range(3):
        assert client.post("/api/v1/cart", {"product": product.pk, "quantity": 1}).status_code == 201
        assert client.post("/api/v1/purchases").status_code == 201

    client.post("/api/v1/cart", {"product": product.pk, "quantity": 30})
    refused = client.post("/api/v1/purchases")

    assert refused.status_code == 409 and "unpaid orders" in str(refused.json())
    assert Product.objects.get(pk=product.pk).stock == 97 and Order.objects.count() == 3
    client.post(f"/api/v1/purchases/{Order.objects.first().pk}/cancel")
    assert client.post("/api/v1/purchases").status_code == 201  # one cancelled: room for another
