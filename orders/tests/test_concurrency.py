"""Buyers racing for the last units, on PostgreSQL with real connections and threads."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import BuyerFactory
from cart.services import add_to_cart, user_cart
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderLine
from orders.services import place_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are checked on PostgreSQL (make test runs it)")


def _race(callables) -> list:
    """Start every callable at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(callables))

    def run(fn):
        try:
            barrier.wait()
            return fn()
        except Exception as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(callables)) as pool:
        return list(pool.map(run, callables))


def _client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_twenty_buyers_for_the_last_five_units_get_five_orders_and_fifteen_409s():
    product = ProductFactory(stock=5)
    buyers = BuyerFactory.create_batch(20)
    for buyer in buyers:
        add_to_cart(user_cart(buyer), product, 1)
    clients = [_client_for(buyer) for buyer in buyers]

    responses = _race([lambda c=client: c.post("/api/v1/purchases") for client in clients])

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [409] * 15, codes
    assert all("sold out" in r.json()["detail"] for r in responses if r.status_code == 409)
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.count() == 5 and OrderLine.objects.count() == 5


def test_concurrent_retries_with_one_key_make_one_order():
    product = ProductFactory(stock=10)
    buyer = BuyerFactory()
    add_to_cart(user_cart(buyer), product, 2)

    outcomes = _race([lambda: place_order(buyer, idempotency_key="double-click") for _ in range(6)])

    orders = {o[0].pk for o in outcomes if isinstance(o, tuple)}
    assert len(orders) == 1, outcomes
    assert sum(1 for o in outcomes if isinstance(o, tuple) and o[1]) == 1
    assert Product.objects.get(pk=product.pk).stock == 8
