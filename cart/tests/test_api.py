"""The signed-in user's cart through the REST API."""

from decimal import Decimal

import pytest

from cart.models import CartItem
from cart.tests.factories import CartItemFactory
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_cart_needs_a_token(api):
    assert api.get("/api/v1/cart").status_code == 401
    assert api.post("/api/v1/cart", {"product": 1}).status_code == 401


def test_an_empty_cart(api_as, buyer):
    response = api_as(buyer).get("/api/v1/cart")

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["total"] == "0.00"


def test_adding_a_product_twice_grows_one_line(api_as, buyer, product):
    client = api_as(buyer)

    client.post("/api/v1/cart", {"product": product.pk, "quantity": 2})
    response = client.post("/api/v1/cart", {"product": product.pk, "quantity": 3})

    assert response.status_code == 201
    items = response.json()["items"]
    assert len(items) == 1
    assert {k: items[0][k] for k in ("product", "quantity", "price")} == {
        "product": product.pk,
        "quantity": 5,
        "price": "10.00",
    }
    assert response.json()["total"] == "50.00"


def test_quantity_defaults_to_one(api_as, buyer, product):
    response = api_as(buyer).post("/api/v1/cart", {"product": product.pk})

    assert response.json()["items"][0]["quantity"] == 1


def test_the_total_adds_up_lines(api_as, buyer, seller):
    a = ProductFactory(seller=seller, price=Decimal("1.10"))
    b = ProductFactory(seller=seller, price=Decimal("2.25"))
    client = api_as(buyer)
    client.post("/api/v1/cart", {"product": a.pk, "quantity": 3})

    response = client.post("/api/v1/cart", {"product": b.pk, "quantity": 2})

    assert response.json()["total"] == "7.80"


def test_more_than_the_stock_answers_409_and_keeps_the_line(api_as, buyer, product):
    client = api_as(buyer)
    client.post("/api/v1/cart", {"product": product.pk, "quantity": 8})

    response = client.post("/api/v1/cart", {"product": product.pk, "quantity": 3})

    assert response.status_code == 409
    assert "only 10 left" in response.json()["detail"]
    assert CartItem.objects.get().quantity == 8


def test_an_inactive_product_cannot_be_added(api_as, buyer, seller):
    product = ProductFactory(seller=seller, is_active=False)

    response = api_as(buyer).post("/api/v1/cart", {"product": product.pk})

    assert response.status_code == 400  # as for an unknown id: nothing about it is told
    assert not CartItem.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"product": 999999}, {"product": "x"}, {}, {"product": None}, {"quantity": 1}],
)
def test_unknown_or_missing_products_answer_400(api_as, buyer, payload):
    response = api_as(buyer).post("/api/v1/cart", payload)

    assert response.status_code == 400
    assert "product" in response.json()["errors"]


@pytest.mark.parametrize("quantity", [0, -1, 1000, "many", 1.5])
def test_bad_quantities_answer_400(api_as, buyer, product, quantity):
    response = api_as(buyer).post("/api/v1/cart", {"product": product.pk, "quantity": quantity})

    assert response.status_code == 400
    assert "quantity" in response.json()["errors"]


def test_change_a_lines_quantity_and_zero_removes_it(api_as, buyer, product):
    client = api_as(buyer)
    item_id = client.post("/api/v1/cart", {"product": product.pk, "quantity": 2}).json()["items"][0]["id"]

    changed = client.patch(f"/api/v1/cart/{item_id}", {"quantity": 4})
    removed = client.patch(f"/api/v1/cart/{item_id}", {"quantity": 0})

    assert changed.json()["items"][0]["quantity"] == 4
    assert removed.json()["items"] == []


def test_delete_removes_the_line(api_as, buyer, product):
    client = api_as(buyer)
    item_id = client.post("/api/v1/cart", {"product": product.pk}).json()["items"][0]["id"]

    response = client.delete(f"/api/v1/cart/{item_id}")

    assert response.status_code == 204
    assert client.get("/api/v1/cart").json()["items"] == []


def test_another_users_line_is_not_found_and_stays(api_as, buyer):
    someone_elses = CartItemFactory()

    assert api_as(buyer).delete(f"/api/v1/cart/{someone_elses.pk}").status_code == 404
    assert api_as(buyer).patch(f"/api/v1/cart/{someone_elses.pk}", {"quantity": 3}).status_code == 404
    assert CartItem.objects.filter(pk=someone_elses.pk, quantity=1).exists()
