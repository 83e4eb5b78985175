"""Garbage sent to every write endpoint answers a 4xx with a JSON `detail`, never a 500, and writes nothing."""

import json

import pytest
from django.test import Client

from accounts.models import User
from cart.models import CartItem
from catalog.models import Product
from orders.models import Order
from reviews.models import Review

pytestmark = pytest.mark.django_db

# Every writable field of every endpoint: a body that sets all of them to the wrong type is wrong everywhere.
EVERY_FIELD = [
    "email",
    "password",
    "role",
    "shop_name",
    "first_name",
    "last_name",
    "refresh",
    "uid",
    "token",
    "description",
    "contact_email",
    "phone",
    "title",
    "price",
    "stock",
    "category",
    "is_active",
    "file",
    "rating",
    "text",
    "product",
    "quantity",
    "shipping_name",
    "shipping_address",
    "status",
]

GARBAGE_BODIES = [
    ("application/json", b"{not json"),
    ("application/json", b"[1, 2, 3]"),
    ("application/json", b'"a string"'),
    ("application/json", b"null"),
    ("application/json", b"\xff\xfe\x00garbage"),
    ("application/json", json.dumps({key: {"$gt": 1} for key in EVERY_FIELD}).encode()),
    ("application/json", json.dumps({key: [1, 2] for key in EVERY_FIELD}).encode()),
    (
        "application/json",
        json.dumps({**{key: ["x"] for key in EVERY_FIELD}, "price": "9" * 400, "stock": 10**30}).encode(),
    ),
    (
        "application/json",
        json.dumps({**{key: ["x"] for key in EVERY_FIELD}, "quantity": 10**30, "rating": 10**30}).encode(),
    ),
    (
        "application/json",
        json.dumps({**{key: ["x"] for key in EVERY_FIELD}, "title": "\u0000", "email": "a@b"}).encode(),
    ),
    ("application/json", ("[" * 5000 + "]" * 5000).encode()),
    ("text/plain", b"hello"),
    (
        "application/x-www-form-urlencoded",
        b"product=%ZZ&quantity=-1&price=-1&rating=9&status=nope&email=nope&title=&refresh=&"
        + b"&".join(name + b"=" + b"x" * 300 for name in (b"first_name", b"shop_name", b"shipping_name")),
    ),
]


def _write_endpoints(product_id: int, item_id: int, order_id: int, seller_id: int) -> list[tuple[str, str]]:
    return [
        ("post", "/api/v1/auth/signup"),
        ("post", "/api/v1/auth/confirm"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/refresh"),
        ("patch", "/api/v1/me"),
        ("patch", f"/api/v1/sellers/{seller_id}"),
        ("post", "/api/v1/products"),
        ("put", f"/api/v1/products/{product_id}"),
        ("patch", f"/api/v1/products/{product_id}"),
        ("post", f"/api/v1/products/{product_id}/image"),
        ("post", f"/api/v1/products/{product_id}/comments"),
        ("post", "/api/v1/cart"),
        ("patch", f"/api/v1/cart/{item_id}"),
        ("post", "/api/v1/purchases"),
        ("post", f"/api/v1/purchases/{order_id}/status"),
    ]


@pytest.fixture
def world(staff, product):
    """A staff client (allowed everywhere, so the body is what gets judged) and objects to aim at."""
    from cart.services import add_to_cart, user_cart
    from orders.tests.factories import order_for

    order = order_for(staff, (product, 1))
    item = add_to_cart(user_cart(staff), product, 1)
    client = Client(raise_request_exception=True)
    from rest_framework_simplejwt.tokens import RefreshToken

    token = str(RefreshToken.for_user(staff).access_token)
    return client, token, _write_endpoints(product.pk, item.pk, order.pk, product.seller.seller_profile.pk)


def _counts():
    return (
        User.objects.count(),
        Product.objects.count(),
        Order.objects.count(),
        CartItem.objects.count(),
        Review.objects.count(),
    )


@pytest.mark.parametrize(("content_type", "body"), GARBAGE_BODIES)
def test_garbage_answers_4xx_json_and_writes_nothing(world, content_type, body):
    client, token, endpoints = world
    before = _counts()
    for method, path in endpoints:
        response = getattr(client, method)(
            path, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
        )

        assert 400 <= response.status_code < 500, (method, path, response.status_code, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), (method, path)
        assert response.json()["detail"], (method, path)
    assert _counts() == before


def test_oversized_bodies_answer_413(world):
    client, token, endpoints = world
    huge = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    for method, path in endpoints:
        response = getattr(client, method)(
            path, data=huge, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

        assert response.status_code == 413, (method, path)
        assert "limit" in response.json()["detail"]


def test_an_oversized_upload_answers_413(world, product):
    client, token, _ = world
    response = client.post(
        f"/api/v1/products/{product.pk}/image",
        data=b"x" * (11 * 1024 * 1024),
        content_type="multipart/form-data; boundary=xyz",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 413


def test_a_forged_token_answers_401(client, db):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not.a.token")

    assert response.status_code == 401
    assert response.json()["detail"]
