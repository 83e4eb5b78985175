"""The shopper mix for the load benchmark (bench/load.py runs it headless).

Shoppers browse the catalogue, search, open products, add to cart, check out and
now and then review what they bought; sellers edit their products; an API client
pages the catalogue. Request names group the figures by kind, not by URL.
"""

import os
import random

from locust import HttpUser, between, task

BUYERS = int(os.environ.get("LOAD_BUYERS", "1000"))
PRODUCT_IDS = [int(pk) for pk in os.environ.get("LOAD_PRODUCT_IDS", "1").split(",")]
SELLERS = os.environ.get("LOAD_SELLERS", "north@example.com").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "bazaar-demo-2026")
WORDS = ["lamp", "kettle", "chair", "shirt", "novel", "boots", "phone", "blanket", "stainles", "desk"]


def _tokens() -> list[str]:
    """Access tokens issued beforehand (bench/load.py): a returning mobile client keeps its
    tokens, so shoppers start signed in; logging in is a task of its own, at a shopper's pace."""
    path = os.environ.get("LOAD_TOKENS_FILE")
    return open(path).read().split() if path else []


TOKENS = _tokens()


class Shopper(HttpUser):
    weight = 8
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {random.choice(TOKENS)}"} if TOKENS else {}
        if not self.headers:
            self.log_in()

    @task(1)
    def log_in(self) -> None:
        """Password login: PBKDF2 by design costs the server about a second of CPU."""
        email = f"buyer{random.randint(1, BUYERS)}@example.com"
        answer = self.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}, name="login")
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
        self.client.get(f"/products/{random.choice(PRODUCT_IDS)}/", name="page: product")

    @task(2)
    def buy(self) -> None:
        if not self.headers:
            return
        product = random.choice(PRODUCT_IDS)
        added = self.client.post(
            "/api/v1/cart", json={"product": product, "quantity": 1}, headers=self.headers, name="api: add to cart"
        )
        if added.ok:
            with self.client.post(
                "/api/v1/purchases", headers=self.headers, name="api: checkout", catch_response=True
            ) as answer:
                if answer.status_code == 409:  # sold out while we shopped: a clear answer, not an error
                    answer.success()

    @task(1)
    def review(self) -> None:
        if not self.headers:
            return
        product = random.choice(PRODUCT_IDS)
        with self.client.post(
            f"/api/v1/products/{product}/comments",
            json={"rating": random.randint(1, 5), "text": "Does what it says."},
            headers=self.headers,
            name="api: post review",
            catch_response=True,
        ) as answer:
            if answer.status_code in (400, 409):  # already reviewed: refused by the rules, as it should be
                answer.success()


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
