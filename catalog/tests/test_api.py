"""The product catalogue through the REST API: reads, filters, and who may write."""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_list_is_paginated_and_has_the_fixed_fields(api, product):
    response = api.get("/api/v1/products")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert {"id", "title", "description", "price", "stock", "category", "seller", "images", "rating"} <= set(item)
    assert item["price"] == "10.00"
    assert item["seller"] == product.seller_id


def test_list_pages_with_page_size(api, seller):
    ProductFactory.create_batch(5, seller=seller)

    first = api.get("/api/v1/products?page_size=2")
    last = api.get("/api/v1/products?page_size=2&page=3")

    assert len(first.json()["results"]) == 2 and first.json()["next"]
    assert len(last.json()["results"]) == 1 and last.json()["next"] is None


def test_a_page_past_the_end_answers_404(api, product):
    response = api.get("/api/v1/products?page=99")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_filters_by_category_including_subcategories(api, seller):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    in_child = ProductFactory(seller=seller, category=child)
    in_parent = ProductFactory(seller=seller, category=parent)
    ProductFactory(seller=seller)

    response = api.get(f"/api/v1/products?category={parent.pk}")

    assert sorted(_ids(response)) == sorted([in_child.pk, in_parent.pk])


def test_filters_by_seller_price_range_and_stock(api, seller, other_seller):
    cheap = ProductFactory(seller=seller, price=Decimal("5.00"), stock=3)
    ProductFactory(seller=seller, price=Decimal("50.00"), stock=3)
    sold_out = ProductFactory(seller=seller, price=Decimal("6.00"), stock=0)
    ProductFactory(seller=other_seller, price=Decimal("5.50"))

    response = api.get(f"/api/v1/products?seller={seller.pk}&min_price=1&max_price=10")
    in_stock = api.get(f"/api/v1/products?seller={seller.pk}&min_price=1&max_price=10&in_stock=true")

    assert sorted(_ids(response)) == sorted([cheap.pk, sold_out.pk])
    assert _ids(in_stock) == [cheap.pk]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("price", ["b", "c", "a"]), ("-price", ["a", "c", "b"]), ("newest", ["c", "b", "a"]), ("rating", ["c", "a", "b"])],
)
def test_orders_by_price_newest_and_rating(api, seller, ordering, expected):
    ProductFactory(seller=seller, title="a", price=Decimal("30"), rating_average=Decimal("3.0"))
    ProductFactory(seller=seller, title="b", price=Decimal("10"), rating_average=Decimal("1.0"))
    ProductFactory(seller=seller, title="c", price=Decimal("20"), rating_average=Decimal("4.5"))

    response = api.get(f"/api/v1/products?ordering={ordering}")

    assert [item["title"] for item in response.json()["results"]] == expected


def test_an_unknown_ordering_or_bad_filter_answers_400(api, product):
    assert api.get("/api/v1/products?ordering=DROP TABLE").status_code == 400
    assert api.get("/api/v1/products?min_price=cheap").status_code == 400
    assert api.get("/api/v1/products?category=999999").status_code == 400


def test_inactive_products_are_hidden_from_shoppers_but_not_from_their_seller(api, api_as, seller, buyer):
    hidden = ProductFactory(seller=seller, is_active=False)

    assert api.get(f"/api/v1/products/{hidden.pk}").status_code == 404
    assert api_as(buyer).get(f"/api/v1/products/{hidden.pk}").status_code == 404
    assert api_as(seller).get(f"/api/v1/products/{hidden.pk}").status_code == 200
    assert hidden.pk not in _ids(api.get("/api/v1/products"))


def test_unknown_or_absurd_product_ids_answer_404(api, db):
    assert api.get("/api/v1/products/424242").status_code == 404
    assert api.get("/api/v1/products/99999999999999999999999").status_code == 404


# --- who may write: anonymous, buyer, seller, other seller, staff --------------------------


def _new_product(category) -> dict:
    return {"title": "Teapot", "description": "Cast iron.", "price": "25.50", "stock": 4, "category": category.pk}


def test_anonymous_cannot_create(api, db):
    assert api.post("/api/v1/products", _new_product(CategoryFactory())).status_code == 401


def test_a_buyer_cannot_create(api_as, buyer):
    response = api_as(buyer).post("/api/v1/products", _new_product(CategoryFactory()))

    assert response.status_code == 403
    assert "seller" in response.json()["detail"]
    assert not Product.objects.exists()


def test_a_seller_creates_a_product_they_own(api_as, seller, other_seller):
    payload = {**_new_product(CategoryFactory()), "seller": other_seller.pk, "rating": 5, "rating_count": 99}

    response = api_as(seller).post("/api/v1/products", payload)

    assert response.status_code == 201, response.json()
    created = Product.objects.get(pk=response.json()["id"])
    assert created.seller == seller
    assert (created.price, created.stock, created.rating_count) == (Decimal("25.50"), 4, 0)
    assert response.json()["slug"] == "teapot"


def test_a_seller_updates_and_deletes_their_own_product(api_as, seller, product):
    client = api_as(seller)

    put = client.put(
        f"/api/v1/products/{product.pk}",
        {**_new_product(product.category), "title": "Renamed", "expected_stock": product.stock},
    )
    patch = client.patch(f"/api/v1/products/{product.pk}", {"price": "12.00"})
    delete = client.delete(f"/api/v1/products/{product.pk}")

    assert put.status_code == 200 and put.json()["title"] == "Renamed"
    assert patch.status_code == 200 and patch.json()["price"] == "12.00"
    assert delete.status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_another_seller_cannot_change_or_delete_it(api_as, other_seller, product):
    client = api_as(other_seller)

    patch = client.patch(f"/api/v1/products/{product.pk}", {"price": "0.01"})
    delete = client.delete(f"/api/v1/products/{product.pk}")

    product.refresh_from_db()
    assert (patch.status_code, delete.status_code) == (403, 403)
    assert product.price == Decimal("10.00")


def test_a_buyer_cannot_change_it(api_as, buyer, product):
    assert api_as(buyer).patch(f"/api/v1/products/{product.pk}", {"price": "0.01"}).status_code == 403


def test_staff_may_change_any_product(api_as, staff, product):
    response = api_as(staff).patch(
        f"/api/v1/products/{product.pk}", {"is_featured": True, "stock": 0, "expected_stock": 10}
    )

    product.refresh_from_db()
    assert response.status_code == 200
    assert (product.is_featured, product.stock) == (True, 0)


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", "-1.00"), ("stock", -3), ("price", "abc"), ("title", ""), ("category", 999999), ("price", "1e400")],
)
def test_invalid_values_answer_400_with_the_field(api_as, seller, field, value):
    response = api_as(seller).post("/api/v1/products", {**_new_product(CategoryFactory()), field: value})

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Product.objects.exists()


def test_categories_are_listed(api, db):
    CategoryFactory(name="Books")

    response = api.get("/api/v1/categories")

    assert [c["name"] for c in response.json()["results"]] == ["Books"]
