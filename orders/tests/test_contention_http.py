"""100 buyers, 10 units, over HTTP: gunicorn with several processes and threads on PostgreSQL.

Each buyer sends POST /api/v1/purchases with an Idempotency-Key at the same moment,
then retries with the same key as a client would after a timeout.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import BuyerFactory
from cart.services import add_to_cart, user_cart
from catalog.tests.factories import ProductFactory
from orders.models import Order
from shop.testing import gunicorn, server_environment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

BUYERS, UNITS = 100, 10


def test_one_hundred_buyers_for_ten_units_get_ten_orders_ninety_409s_and_retries_change_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are checked on PostgreSQL (make test runs it)")
    product = ProductFactory(stock=UNITS)
    buyers = BuyerFactory.create_batch(BUYERS)
    for buyer in buyers:
        add_to_cart(user_cart(buyer), product, 1)
    tokens = [str(RefreshToken.for_user(buyer).access_token) for buyer in buyers]
    keys = [uuid.uuid4().hex for _ in buyers]
    env = server_environment()
    errors: list[str] = []

    with gunicorn("config.wsgi", env, workers=4, threads=8, errors=errors) as base:
        barrier = threading.Barrier(BUYERS)

        def buy(index: int, wait: bool = True) -> requests.Response:
            if wait:
                barrier.wait()
            headers = {"Authorization": f"Bearer {tokens[index]}", "Idempotency-Key": keys[index]}
            return requests.post(f"{base}/api/v1/purchases", headers=headers, timeout=60)

        with ThreadPoolExecutor(max_workers=BUYERS) as pool:
            first = list(pool.map(buy, range(BUYERS)))
        with ThreadPoolExecutor(max_workers=20) as pool:
            retries = list(pool.map(lambda index: buy(index, wait=False), range(BUYERS)))

    codes = sorted(response.status_code for response in first)
    assert codes == [201] * UNITS + [409] * (BUYERS - UNITS), codes
    assert all(response.json()["detail"] for response in first if response.status_code == 409)
    for before, after in zip(first, retries, strict=True):
        assert after.status_code < 500
        if before.status_code == 201:
            assert after.status_code == 200 and after.json()["id"] == before.json()["id"]  # the same order
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.filter(lines__product=product).count() == UNITS
    assert "Traceback" not in "".join(errors)
