"""Finding: a seller's edit wrote back a stale stock figure, so the shop oversold.

Each test opens an edit (the storefront form, the back-office form, the back-office list, the
API read), lets a checkout take the stock, and then saves: the save must not put phantom units
back. A figure left alone changes nothing; a new figure typed over a stale one is refused with
the current figure; "add 5" (stock_delta) always adds to what is there.
"""

import re

import pytest

from accounts.tests.factories import BuyerFactory
from catalog.models import Product
from orders.tests.factories import order_for

pytestmark = pytest.mark.django_db


def _sell_out(product) -> None:
    """The interleaving: a checkout lands between the seller's read and the seller's save."""
    order_for(BuyerFactory(), (product, product.stock))


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)


def _form_data(product, **overrides) -> dict:
    data = {
        "title": product.title,
        "category": product.category_id,
        "description": product.description,
        "price": str(product.price),
        "stock": str(product.stock),
        "is_active": "on",
    }
    return {**data, **overrides}


def test_risk_the_storefront_form_puts_sold_units_back(client, seller, product):
    client.force_login(seller)
    page = client.get(f"/seller/products/{product.pk}/edit/").content.decode()
    seen = _hidden(page, "stock_seen")
    _sell_out(product)

    saved = client.post(
        f"/seller/products/{product.pk}/edit/", _form_data(product, title="Renamed", stock="10", stock_seen=seen)
    )

    fresh = Product.objects.get(pk=product.pk)
    assert saved.status_code == 302 and fresh.title == "Renamed"
    assert fresh.stock == 0  # the 10 sold units stay sold


def test_risk_a_stale_new_figure_from_the_storefront_form_overwrites_sales(client, seller, product):
    client.force_login(seller)
    seen = _hidden(client.get(f"/seller/products/{product.pk}/edit/").content.decode(), "stock_seen")
    _sell_out(product)

    refused = client.post(f"/seller/products/{product.pk}/edit/", _form_data(product, stock="15", stock_seen=seen))
    page = refused.content.decode()

    assert refused.status_code == 200 and "changed from 10 to 0" in page
    assert Product.objects.get(pk=product.pk).stock == 0
    again = client.post(
        f"/seller/products/{product.pk}/edit/", _form_data(product, stock="15", stock_seen=_hidden(page, "stock_seen"))
    )
    assert again.status_code == 302 and Product.objects.get(pk=product.pk).stock == 15  # knowingly, now


def test_risk_the_back_office_form_puts_sold_units_back(client, seller, product):
    client.force_login(seller)
    url = f"/admin/catalog/product/{product.pk}/change/"
    seen = _hidden(client.get(url).content.decode(), "stock_seen")
    _sell_out(product)
    form = {**_form_data(product, stock_seen=seen), "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0"}

    kept = client.post(url, {**form, "title": "Renamed"})
    stale = client.post(url, {**form, "stock": "12"})

    fresh = Product.objects.get(pk=product.pk)
    assert kept.status_code == 302 and fresh.title == "Renamed" and fresh.stock == 0
    assert stale.status_code == 200 and "changed from 10 to 0" in stale.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 0


def test_risk_the_back_office_list_puts_sold_units_back(client, staff, product):
    client.force_login(staff)
    page = client.get("/admin/catalog/product/").content.decode()
    seen = _hidden(page, "form-0-stock_seen")
    _sell_out(product)
    rows = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(product.pk),
        "form-0-price": str(product.price),
        "form-0-is_active": "on",
        "form-0-stock_seen": seen,
        "_save": "Save",
    }

    client.post("/admin/catalog/product/", {**rows, "form-0-stock": "10", "form-0-price": "99.00"})
    assert Product.objects.values_list("stock", "price").get(pk=product.pk) == (0, 99)
    refused = client.post("/admin/catalog/product/", {**rows, "form-0-stock": "7"})
    assert "changed from 10 to 0" in refused.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 0


def test_risk_an_api_client_writes_back_the_stock_it_read(api_as, seller, product):
    client = api_as(seller)
    read = client.get(f"/api/v1/products/{product.pk}").json()
    _sell_out(product)

    blind = client.patch(f"/api/v1/products/{product.pk}", {"stock": 12}, format="json")
    stale = client.patch(
        f"/api/v1/products/{product.pk}", {"stock": 12, "expected_stock": read["stock"]}, format="json"
    )
    put_back = client.put(f"/api/v1/products/{product.pk}", {**read, "expected_stock": read["stock"]}, format="json")
    added = client.patch(f"/api/v1/products/{product.pk}", {"stock_delta": 5}, format="json")
    current = client.patch(f"/api/v1/products/{product.pk}", {"stock": 8, "expected_stock": 5}, format="json")

    assert blind.status_code == 400 and "expected_stock" in blind.json()["detail"]
    assert stale.status_code == 409 and stale.json()["errors"]["stock"]
    assert put_back.status_code == 200 and put_back.json()["stock"] == 0
    assert added.status_code == 200 and added.json()["stock"] == 5
    assert current.status_code == 200 and current.json()["stock"] == 8


def test_a_delta_cannot_take_the_stock_below_zero(api_as, seller, product):
    response = api_as(seller).patch(f"/api/v1/products/{product.pk}", {"stock_delta": -11}, format="json")

    assert response.status_code == 409 and "cannot go down by 11" in response.json()["detail"]
    assert Product.objects.get(pk=product.pk).stock == 10


def test_risk_a_huge_stock_delta_overflows_into_a_500(api_as, seller, product):
    response = api_as(seller).patch(f"/api/v1/products/{product.pk}", {"stock_delta": 2_147_483_647}, format="json")

    assert response.status_code == 400, response.content
    assert "2147483647" in str(response.json())
    assert Product.objects.get(pk=product.pk).stock == 10


def test_a_back_office_save_does_not_write_back_the_rating(client, seller, product):
    """Reviews keep the rating; a form opened before a review must not put the old one back."""
    client.force_login(seller)
    url = f"/admin/catalog/product/{product.pk}/change/"
    seen = _hidden(client.get(url).content.decode(), "stock_seen")
    Product.objects.filter(pk=product.pk).update(rating_average=4.5, rating_count=2)

    client.post(url, {**_form_data(product, stock_seen=seen), "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0"})

    assert Product.objects.values_list("rating_average", "rating_count").get(pk=product.pk) == (4.5, 2)
