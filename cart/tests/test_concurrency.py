"""One cart changed from two tabs at once keeps every unit added (PostgreSQL, threads)."""

import pytest
from django.db import connection

from cart.models import CartItem
from cart.services import add_to_cart, user_cart
from orders.tests.test_concurrency import _race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_risk_concurrent_adds_lose_a_quantity(buyer, product):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are checked on PostgreSQL (make test runs it)")
    cart = user_cart(buyer)
    add_to_cart(cart, product, 1)

    results = _race([lambda: add_to_cart(cart, product, 1) for _ in range(6)])

    assert not [result for result in results if isinstance(result, Exception)], results
    assert CartItem.objects.get(cart=cart, product=product).quantity == 7


def test_risk_concurrent_first_adds_fail_on_the_one_line_constraint(buyer, product):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are checked on PostgreSQL (make test runs it)")
    cart = user_cart(buyer)

    results = _race([lambda: add_to_cart(cart, product, 1) for _ in range(4)])

    assert not [result for result in results if isinstance(result, Exception)], results
    assert CartItem.objects.get(cart=cart, product=product).quantity == 4
