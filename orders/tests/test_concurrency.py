"""Buyers racing for the last units, on PostgreSQL with real connections and threads."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from accounts.tests.factories import BuyerFactory
from cart.services import add_to_cart, user_cart
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderLine
from orders.services import place_order
from shop.errors import Conflict

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


def test_twenty_buyers_for_five_units_make_exactly_five_orders():
    product = ProductFactory(stock=5)
    buyers = BuyerFactory.create_batch(20)
    for buyer in buyers:
        add_to_cart(user_cart(buyer), product, 1)

    outcomes = _race([lambda b=buyer: place_order(b) for buyer in buyers])

    placed = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(placed) == 5
    assert len(refused) == 15, [o for o in outcomes if not isinstance(o, tuple | Conflict)]
    assert all("sold out" in str(exc) for exc in refused)
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
