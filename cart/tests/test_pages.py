"""The cart page for guests and users."""

import pytest

from cart.models import CartItem

pytestmark = pytest.mark.django_db


def test_an_empty_cart_says_so(client):
    response = client.get("/cart/")

    assert "Your cart is empty" in response.content.decode()


def test_a_guest_adds_changes_and_removes(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    item = CartItem.objects.get()

    page = client.get("/cart/").content.decode()
    client.post(f"/cart/items/{item.pk}/", {"quantity": 3})
    after_change = CartItem.objects.get().quantity
    client.post(f"/cart/items/{item.pk}/remove/")

    assert product.title in page and "20.00" in page
    assert after_change == 3
    assert not CartItem.objects.exists()


def test_too_many_shows_a_message_and_adds_nothing(client, product):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 11}, follow=True)

    assert "only 10 left" in response.content.decode()
    assert not CartItem.objects.exists()


def test_a_guest_cannot_touch_another_cart(client, product):
    other = type(client)()
    other.post("/cart/add/", {"product": product.pk, "quantity": 2})
    item = CartItem.objects.get()

    response = client.post(f"/cart/items/{item.pk}/remove/")

    assert response.status_code == 404
    assert CartItem.objects.filter(pk=item.pk).exists()


def test_next_cannot_redirect_off_site(client, product):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1, "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
