"""The shopper mix for the load benchmark (bench/load.py runs it headless).

Shoppers browse the catalogue, search, open products, add to cart, check out and
now and then review what they bought; sellers edit their products; an API client
pages the catalogue. Request names group the figures by kind, not by URL.
"""

import os
import random
from pathlib import Path

from locust import HttpUser, between, task

BUYERS = int(os.environ.get("LOAD_BUYERS", "1000"))
SELLERS = os.environ.get("LOAD_SELLERS", "north@example.com").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD") or os.environ["DEMO_PASSWORD"]
WORDS = ["lamp", "kettle", "chair", "shirt", "novel", "boots", "phone", "blanket", "stainles", "desk"]


def _products() -> list[tuple[int, str]]:
    """Products in stock and their pages as the site links them (bench/load.py writes the file):
    a link without the slug would cost every visit a redirect."""
    path = os.environ.get("LOAD_PRODUCTS_FILE")
    if not path:
        raise SystemExit("LOAD_PRODUCTS_FILE is not set: run the load benchmark with `BENCH_ONLY=load make bench`")
    lines = Path(path).read_text().splitlines()
    return [(int(pk), page) for pk, page in (line.split() for line in lines)]


def _accounts() -> list[tuple[str, str]]:
    """Buyers' emails and access tokens issued beforehand (bench/load.py), shuffled: a returning
    mobile client keeps its tokens, so shoppers start signed in; logging in again is a task of its
    own, at a shopper's pace."""
    path = os.environ.get("LOAD_TOKENS_FILE")
    accounts = [tuple(line.split()) for line in Path(path).read_text().splitlines()] if path else []
    random.shuffle(accounts)
    return accounts


PRODUCTS = _products()
ACCOUNTS = _accounts()


def _judge(answer, *expected_refusals: int) -> None:
    """A refusal the rules call for counts as an answer; any other failure is reported with the
    server's own words, so the report says what went wrong, not just the status."""
    if answer.status_code in expected_refusals:
        answer.success()
    elif not answer.ok:
        detail = answer.text[:120] if answer.text else "no body"
        answer.failure(f"{answer.status_code}: {detail}")


class Shopper(HttpUser):
    weight = 8
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        # An account of its own: two simulated shoppers on one account would empty each other's cart.
        if ACCOUNTS:
            self.email, token = ACCOUNTS.pop()
            self.headers = {"Authorization": f"Bearer {token}"}
        else:
            self.email, self.headers = f"buyer{random.randint(1, BUYERS)}@example.com", {}
            self.log_in()

    @task(1)
    def log_in(self) -> None:
        """Password login: the hash is slow by design (Argon2id, about 21 ms of one core, 46 MiB)."""
        answer = self.client.post("/api/v1/auth/login", json={"email": self.email, "password": PASSWORD}, name="login")
        if answer.ok:
            self.headers = {"Authorization": f"Bearer {answer.json()['access']}"}

    @task(6)
    def catalogue_page(self) -> None:
        self.client.get(f"/products/?page={random.randint(1, 50)}", name="page: catalogue")

    @task(4)
    def search(self) -> None:
        self.client.get("/api/v1/search", params={"q": random.choice(WORDS)}, name="api: search")

    @task(5)
    def product_page(self) -> None:
        self.client.get(random.choice(PRODUCTS)[1], name="page: product")

    @task(2)
    def buy(self) -> None:
        if not self.headers:
            return
        product, _ = random.choice(PRODUCTS)
        with self.client.post(
            "/api/v1/cart",
            json={"product": product, "quantity": 1},
            headers=self.headers,
            name="api: add to cart",
            catch_response=True,
        ) as added:
            _judge(added, 409)  # sold out (other shoppers bought the last units): a clear answer
        if added.status_code in (200, 201):  # not `ok`: a sold-out 409 marked as an answer reads ok
            with self.client.post(
                "/api/v1/purchases", headers=self.headers, name="api: checkout", catch_response=True
            ) as answer:
                _judge(answer, 409)  # sold out while we shopped

    @task(1)
    def review(self) -> None:
        if not self.headers:
            return
        product, _ = random.choice(PRODUCTS)
        with self.client.post(
            f"/api/v1/products/{product}/comments",
            json={"rating": random.randint(1, 5), "text": "Does what it says."},
            headers=self.headers,
            name="api: post review",
            catch_response=True,
        ) as answer:
            _judge(answer, 400, 409)  # already reviewed, or not bought: refused by the rules, as it should be


class Seller(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        answer = self.client.post(
            "/api/v1/auth/login", json={"email": random.choice(SELLERS), "password": PASSWORD}, name="login"
        )
        self.headers = {"Authorization": f"Bearer {answer.json()['access']}"} if answer.ok else {}
        mine = self.client.get("/api/v1/me", headers=self.headers, name="api: me").json() if self.headers else {}
        listed = self.client.get(
            "/api/v1/products", params={"seller": mine.get("id", 0), "page_size": 50}, name="api: product list"
        )
        self.products = [item["id"] for item in listed.json().get("results", [])] if listed.ok else []

    @task
    def edit_product(self) -> None:
        if self.products:
            self.client.patch(
                f"/api/v1/products/{random.choice(self.products)}",
                json={"price": f"{random.randint(5, 500)}.{random.randint(0, 99):02d}"},
                headers=self.headers,
                name="api: edit product",
            )


class ApiClient(HttpUser):
    weight = 1
    wait_time = between(0.2, 1)

    @task
    def page_catalogue(self) -> None:
        self.client.get(f"/api/v1/products?page={random.randint(1, 200)}", name="api: product list")
