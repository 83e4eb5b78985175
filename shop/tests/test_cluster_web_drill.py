"""Cluster drill: two web instances (gunicorn) behind HAProxy, restarted one after the other
while shoppers shop. No request fails, no cart loses a line, no order is placed twice.

Sessions live in the database and the cache in a Redis both instances share, so a guest's
cart started on one instance continues on the other. HAProxy checks /health/ready, and
sends a request whose connection an instance refused (it is stopping) to the other one.
Restarts only the cluster topology's own web instances (`make cluster`); they serve the
test database meanwhile and go back to the shop's afterwards.
"""

import os
import re
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from accounts.tests.factories import BuyerFactory
from catalog.tests.factories import ProductFactory
from orders.models import Order
from shop.testing import cluster, cluster_settings, database_url_of_tests

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-secret-42"
SHOPPING_SECONDS = 60  # the bound: the client stops by itself


@pytest.fixture
def web_on_test_database(cluster_topology):
    """The cluster's two instances and HAProxy, serving this test's database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
    }
    cluster("down", "web")
    cluster("up", "web", env=env)
    try:
        yield cluster_settings()["CLUSTER_WEB_URL"]
    finally:
        cluster("down", "web")  # before the test database goes: the instances hold connections to it
        shop_env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        cluster("up", "web", env=shop_env)  # back on the shop's database (.env.stack)


class Shopper(threading.Thread):
    """A buyer on the API: adds to the cart, checks the cart, buys every third round with an
    Idempotency-Key (and sends the same purchase again, as a client retrying would)."""

    def __init__(self, base: str, email: str, products: list[int], until: float):
        super().__init__(daemon=True)
        self.base, self.email, self.products, self.until = base, email, products, until
        self.http = requests.Session()
        self.failures: list[str] = []
        self.served_by: Counter = Counter()
        self.purchases: dict[str, int] = {}
        self.requests = 0

    def call(self, method: str, path: str, expected: tuple[int, ...], **options) -> requests.Response | None:
        self.requests += 1
        try:
            answer = self.http.request(method, f"{self.base}{path}", timeout=30, **options)
        except requests.RequestException as error:
            self.failures.append(f"{method} {path}: {error}")
            return None
        self.served_by[answer.headers.get("X-Served-By", "?")] += 1
        if answer.status_code not in expected:
            self.failures.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
            return None
        return answer

    def run(self) -> None:
        login = self.call("POST", "/api/v1/auth/login", (200,), json={"email": self.email, "password": PASSWORD})
        if login is None:
            return
        self.http.headers["Authorization"] = f"Bearer {login.json()['access']}"
        in_cart: Counter = Counter()
        round_number = 0
        while time.monotonic() < self.until:
            round_number += 1
            product = self.products[round_number % len(self.products)]
            if self.call("POST", "/api/v1/cart", (200, 201), json={"product": product, "quantity": 1}):
                in_cart[product] += 1
            cart = self.call("GET", "/api/v1/cart", (200,))
            if cart is not None:
                held = {item["product"]: item["quantity"] for item in cart.json()["items"]}
                if held != dict(in_cart):
                    self.failures.append(f"cart lost lines: {held} instead of {dict(in_cart)}")
                    in_cart = Counter(held)
            if round_number % 3 == 0:
                key = str(uuid.uuid4())
                bought = self.call("POST", "/api/v1/purchases", (201,), headers={"Idempotency-Key": key})
                again = self.call("POST", "/api/v1/purchases", (200,), headers={"Idempotency-Key": key})
                if bought is not None:
                    self.purchases[key] = bought.json()["id"]
                    in_cart.clear()
                    if again is not None and again.json()["id"] != bought.json()["id"]:
                        self.failures.append(f"a retried purchase gave another order: {again.json()['id']}")


class Guest(threading.Thread):
    """A visitor without an account: a cart in the session, on the storefront's pages."""

    def __init__(self, base: str, product, until: float):
        super().__init__(daemon=True)
        self.base, self.product, self.until = base, product, until
        self.http = requests.Session()
        self.failures: list[str] = []
        self.served_by: Counter = Counter()
        self.added = 0

    def run(self) -> None:
        page = f"{self.base}/products/{self.product.pk}/{self.product.slug}/"
        while time.monotonic() < self.until:
            try:
                form = self.http.get(page, timeout=30)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
                added = self.http.post(
                    f"{self.base}/cart/add/",
                    data={"csrfmiddlewaretoken": token[1] if token else "", "product": self.product.pk, "quantity": 1},
                    headers={"Referer": page},
                    timeout=30,
                )
                if added.status_code != 200:  # the redirect to the cart is followed
                    self.failures.append(f"add to cart: {added.status_code}")
                    continue
                self.added += 1
                cart = self.http.get(f"{self.base}/cart/", timeout=30)
                self.served_by[cart.headers.get("X-Served-By", "?")] += 1
                quantity = re.search(r'name="quantity" value="(\d+)"', cart.text)
                if cart.status_code != 200 or quantity is None or int(quantity[1]) != self.added:
                    self.failures.append(f"the guest's cart lost its line: {quantity and quantity[1]} of {self.added}")
            except requests.RequestException as error:
                self.failures.append(f"guest: {error}")
            time.sleep(0.2)


def test_restarting_both_web_instances_in_turn_fails_no_request_and_loses_no_cart(web_on_test_database):
    base = web_on_test_database
    buyers = [BuyerFactory(password=PASSWORD) for _ in range(3)]
    products = [ProductFactory(stock=100_000) for _ in range(3)]
    until = time.monotonic() + SHOPPING_SECONDS
    shoppers = [Shopper(base, buyer.email, [product.pk for product in products], until) for buyer in buyers]
    guest = Guest(base, products[0], until)
    for client in (*shoppers, guest):
        client.start()

    time.sleep(8)
    restarts = []
    for instance in ("web1", "web2"):
        started = time.monotonic()
        cluster("down", instance)  # SIGTERM: gunicorn finishes what it serves, refuses what is new
        cluster("up", instance)
        _wait_until_haproxy_uses(base, instance)
        restarts.append((instance, round(time.monotonic() - started, 1)))
    for client in (*shoppers, guest):
        client.join(timeout=SHOPPING_SECONDS + 60)

    failures = [failure for client in (*shoppers, guest) for failure in client.failures]
    served = sum((client.served_by for client in (*shoppers, guest)), Counter())
    purchases = {key: order for shopper in shoppers for key, order in shopper.purchases.items()}
    assert not failures, (len(failures), [failure[:120] for failure in failures[:10]], restarts)
    assert sum(shopper.requests for shopper in shoppers) > 100 and guest.added > 5
    assert set(served) == {"web1", "web2"}, served
    assert set(guest.served_by) == {"web1", "web2"}  # one guest cart, served by both instances
    assert purchases and len(set(purchases.values())) == len(purchases)
    for buyer, shopper in zip(buyers, shoppers, strict=True):  # one order per purchase, none twice
        assert Order.objects.filter(buyer=buyer).count() == len(shopper.purchases)
    assert len(restarts) == 2


def _throttled_after(base: str) -> tuple[int, set[str]]:
    """Wrong passwords through HAProxy until the login throttle answers 429: after how many,
    and which instances answered. Ten a minute in all means the instances share their counts."""
    served = set()
    for attempt in range(1, 25):
        answer = requests.post(
            f"{base}/api/v1/auth/login", json={"email": "nobody@example.com", "password": "wrong"}, timeout=30
        )
        served.add(answer.headers.get("X-Served-By", "?"))
        if answer.status_code == 429:
            return attempt, served
    return 0, served


def test_the_two_instances_share_the_login_throttle(web_on_test_database):
    attempts, served = _throttled_after(web_on_test_database)

    assert served >= {"web1", "web2"}
    assert 0 < attempts <= 11  # the tenth wrong password is the last one let through, whichever instance


def _wait_until_haproxy_uses(base: str, instance: str, seconds: float = 60) -> None:
    """Until a request through HAProxy is served by `instance` again (its health check passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(requests.get(f"{base}/health/live", timeout=5).headers.get("X-Served-By") == instance for _ in range(4)):
            return
        time.sleep(0.5)
    raise AssertionError(f"HAProxy did not send requests to {instance} again within {seconds:.0f} s")
