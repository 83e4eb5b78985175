"""A guest's cart joins the user's cart on login: quantities add up, capped by stock."""

import pytest

from accounts.tests.factories import PASSWORD
from cart.models import Cart
from cart.services import add_to_cart, user_cart
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _lines(user) -> dict[int, int]:
    return {item.product_id: item.quantity for item in user_cart(user).items.all()}


def test_guest_lines_merge_into_the_users_cart_on_login(client, buyer, seller):
    shared = ProductFactory(seller=seller, stock=10)
    guest_only = ProductFactory(seller=seller, stock=10)
    add_to_cart(user_cart(buyer), shared, 2)
    client.post("/cart/add/", {"product": shared.pk, "quantity": 3})
    client.post("/cart/add/", {"product": guest_only.pk, "quantity": 1})

    client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    assert _lines(buyer) == {shared.pk: 5, guest_only.pk: 1}
    assert Cart.objects.filter(user__isnull=True).count() == 0


def test_merged_quantities_are_capped_by_stock(client, buyer, seller):
    scarce = ProductFactory(seller=seller, stock=4)
    add_to_cart(user_cart(buyer), scarce, 3)
    client.post("/cart/add/", {"product": scarce.pk, "quantity": 3})

    client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    assert _lines(buyer) == {scarce.pk: 4}


def test_products_sold_out_meanwhile_are_dropped(client, buyer, seller):
    product = ProductFactory(seller=seller, stock=2)
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    product.stock = 0
    product.save()

    client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    assert _lines(buyer) == {}


def test_login_without_a_guest_cart_changes_nothing(client, buyer, product):
    add_to_cart(user_cart(buyer), product, 1)

    client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    assert _lines(buyer) == {product.pk: 1}
