"""Drill: PostgreSQL stops under load and comes back.

While it is down, requests fail cleanly and at once (503 with Retry-After), never a
500 and never a hang. The app recovers by itself once it is back, and no half-written
order exists afterwards (every order has its lines, its total is their sum, and stock
plus units sold equals the stock we started with).

Stops and starts the project's own PostgreSQL (scripts/stack), so it runs with the
other drills, after the rest of the suite.
"""

import threading
import time
from decimal import Decimal

import pytest
import requests
from django.db import connection, connections
from django.db.models import Sum
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import BuyerFactory
from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderLine
from shop.testing import gunicorn, server_environment, stack

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]
BUYERS, STOCK = 60, 1000


def test_postgres_restarted_under_load_fails_cleanly_recovers_and_leaves_no_half_order():
    if connection.vendor != "postgresql":
        pytest.fail("this drill needs the PostgreSQL that make test starts")
    product = ProductFactory(stock=STOCK)
    buyers = BuyerFactory.create_batch(BUYERS)
    tokens = [str(RefreshToken.for_user(buyer).access_token) for buyer in buyers]
    env = server_environment(DB_CONN_MAX_AGE="60")
    statuses: list[int | str] = []
    refusals: set[str] = set()  # what the 400s said
    stop = threading.Event()

    def shop(base: str, start: int) -> None:
        """A buyer after another: fill the cart, check out, read the catalogue."""
        index = start
        while not stop.is_set():
            headers = {"Authorization": f"Bearer {tokens[index % BUYERS]}"}
            for method, path, body in (
                ("post", "/api/v1/cart", {"product": product.pk, "quantity": 2}),
                ("post", "/api/v1/purchases", None),
                ("get", "/api/v1/products", None),
            ):
                sent = time.monotonic()
                try:
                    answer = requests.request(method, base + path, json=body, headers=headers, timeout=10)
                    statuses.append(answer.status_code)
                    if answer.status_code == 400:
                        refusals.add(answer.json()["detail"])
                except requests.ConnectionError:
                    statuses.append("refused")
                except requests.Timeout:
                    statuses.append(f"timeout after {time.monotonic() - sent:.0f} s: {method} {path}")
            index += 4

    errors: list[str] = []
    with gunicorn("config.wsgi", env, workers=2, threads=4, errors=errors) as base:
        workers = [threading.Thread(target=shop, args=(base, n), daemon=True) for n in range(4)]
        for worker in workers:
            worker.start()
        try:
            time.sleep(3)
            connections.close_all()
            try:
                stack("down", "postgres")
                time.sleep(4)
                during_outage = len(statuses)
            finally:
                stack("up", "postgres")
            recovered = None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"{base}/health/ready", timeout=5).status_code == 200:
                        recovered = requests.get(f"{base}/api/v1/products", timeout=5).status_code
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.5)
            time.sleep(2)
        finally:  # the shoppers stop whatever happened, or their threads keep the test process alive
            stop.set()
            for worker in workers:
                worker.join(timeout=30)

    connections.close_all()
    assert recovered == 200
    assert 500 not in statuses, sorted(set(map(str, statuses)))
    assert set(statuses) <= {200, 201, 400, 409, 503}, sorted(set(map(str, statuses)))  # no hang, no 500
    # A checkout after its cart addition got a 503 finds the cart empty, and says so.
    assert refusals <= {"Your cart is empty: add products before checking out."}, refusals
    assert 503 in statuses[: during_outage + 50]  # the outage was seen, and said so
    assert statuses.count(201) > 0
    for order in Order.objects.prefetch_related("lines"):
        lines = list(order.lines.all())
        assert lines, f"order {order.pk} has no lines"
        assert order.total == sum((line.line_total for line in lines), Decimal("0.00"))
    product.refresh_from_db()
    sold = OrderLine.objects.filter(product=product).aggregate(units=Sum("quantity"))["units"] or 0
    assert product.stock + sold == STOCK
