"""API lists: page sizes within bounds, and cursors that stay right while rows are added."""

from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _walk(api, url):
    """Every id of a list, following `next` links; and how many answers it took."""
    ids, answers = [], 0
    while url:
        body = api.get(url).json()
        ids += [row["id"] for row in body["results"]]
        url, answers = body["next"], answers + 1
    return ids, answers


@pytest.mark.parametrize("size", ["0", "101", "1000", "-1", "ten", "2.5"])
def test_a_page_size_out_of_bounds_is_refused_not_changed(api, size):
    response = api.get(f"/api/v1/products?page_size={size}")

    assert response.status_code == 400
    assert "from 1 to 100" in response.json()["errors"]["page_size"][0]


def test_a_cursor_walks_the_whole_list_once(api, seller):
    made = {ProductFactory(seller=seller).pk for _ in range(7)}

    first = api.get("/api/v1/products?page_size=3").json()
    assert first["count"] == 7 and first["next_cursor"]
    ids, answers = _walk(api, f"/api/v1/products?page_size=3&cursor={first['next_cursor']}")

    assert answers == 2
    assert [row["id"] for row in first["results"]] + ids == sorted(made, reverse=True)  # newest first


def test_rows_added_during_a_walk_neither_repeat_nor_hide_others(api, seller):
    """Page numbers shift when a product is added; a cursor does not."""
    older = [ProductFactory(seller=seller).pk for _ in range(6)]
    first = api.get("/api/v1/products?page_size=2").json()
    ProductFactory.create_batch(3, seller=seller)  # newer: they come before the cursor, so it is not disturbed

    ids, _ = _walk(api, f"/api/v1/products?page_size=2&cursor={first['next_cursor']}")
    by_page = api.get("/api/v1/products?page_size=2&page=2").json()["results"]

    assert [row["id"] for row in first["results"]] + ids == sorted(older, reverse=True)
    assert [row["id"] for row in by_page] != sorted(older, reverse=True)[2:4]  # what pages would have done


def test_a_cursor_follows_the_ordering_through_ties(api, seller):
    category = CategoryFactory()
    for price in ("5.00", "5.00", "5.00", "2.00", "9.00"):
        ProductFactory(seller=seller, category=category, price=Decimal(price))
    url = f"/api/v1/products?ordering=price&category={category.pk}&page_size=2"

    first = api.get(url).json()
    ids, _ = _walk(api, f"{url}&cursor={first['next_cursor']}")
    rows = first["results"] + [api.get(f"/api/v1/products/{pk}").json() for pk in ids]

    assert [row["price"] for row in rows] == ["2.00", "5.00", "5.00", "5.00", "9.00"]
    assert len({row["id"] for row in rows}) == 5


def test_other_lists_have_cursors_too(api, seller):
    for n in range(3):
        CategoryFactory(name=f"Same {n}")  # ordered by name; the id breaks no tie wrongly

    first = api.get("/api/v1/categories?page_size=2").json()
    rest = api.get(f"/api/v1/categories?page_size=2&cursor={first['next_cursor']}").json()

    assert [row["name"] for row in first["results"] + rest["results"]] == ["Same 0", "Same 1", "Same 2"]
    assert rest["next_cursor"] is None and rest["next"] is None and rest["previous"] is None


@pytest.mark.parametrize(
    "cursor_of",
    [
        lambda good: good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1],  # tampered
        lambda good: "made-up",
    ],
)
def test_a_cursor_that_is_not_ours_is_a_clear_400(api, seller, cursor_of):
    ProductFactory.create_batch(3, seller=seller)
    good = api.get("/api/v1/products?page_size=1").json()["next_cursor"]

    response = api.get(f"/api/v1/products?page_size=1&cursor={cursor_of(good)}")

    assert response.status_code == 400 and "next_cursor" in response.json()["detail"]


def test_a_cursor_under_another_ordering_or_with_a_page_is_refused(api, seller):
    ProductFactory.create_batch(3, seller=seller)
    cursor = api.get("/api/v1/products?page_size=1").json()["next_cursor"]

    assert api.get(f"/api/v1/products?page_size=1&ordering=price&cursor={cursor}").status_code == 400
    assert api.get(f"/api/v1/products?page_size=1&page=2&cursor={cursor}").status_code == 400


def test_a_json_endpoint_refuses_a_form_with_415(api_as, buyer, product):
    response = api_as(buyer).post("/api/v1/cart", {"product": product.pk, "quantity": 1}, format="multipart")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_cursor_holds_for_its_own_filters_and_any_page_size(api, seller, other_seller):
    ProductFactory.create_batch(4, seller=seller)
    ProductFactory.create_batch(4, seller=other_seller)
    mine = f"/api/v1/products?seller={seller.pk}&in_stock=true"
    cursor = api.get(f"{mine}&page_size=1").json()["next_cursor"]

    same = api.get(f"/api/v1/products/?in_stock=true&seller={seller.pk}&page_size=3&cursor={cursor}")
    other = api.get(f"/api/v1/products?seller={other_seller.pk}&in_stock=true&page_size=1&cursor={cursor}")
    fewer = api.get(f"/api/v1/products?seller={seller.pk}&page_size=1&cursor={cursor}")

    assert same.status_code == 200 and len(same.json()["results"]) == 3  # filters in another order, a slash
    assert {row["seller"] for row in same.json()["results"]} == {seller.pk}
    for refused in (other, fewer):
        assert refused.status_code == 400 and "same filters" in refused.json()["detail"]


def _unscoped_cursor(api, made: float) -> str:
    """A cursor as this server signed them before cursors named their scope, made at `made`."""
    from unittest import mock

    from django.core import signing

    from catalog.models import Product
    from shop.api import cursor as keyset

    first = api.get("/api/v1/products?page_size=1").json()
    ordering = keyset.ordering_of(Product.objects.order_by("-created_at", "-id"))
    last = Product.objects.get(pk=first["results"][0]["id"])
    with mock.patch("time.time", return_value=made):
        return signing.dumps(
            {"o": list(ordering), "v": [last.created_at.isoformat(), last.pk]}, salt=keyset.SALT, compress=True
        )


def test_a_cursor_from_before_cursors_had_scopes_goes_on_for_a_day(api, seller):
    """Cursors an app holds across the upgrade: signed by this server, without a scope."""
    import time

    ProductFactory.create_batch(3, seller=seller)
    everything = [row["id"] for row in api.get("/api/v1/products").json()["results"]]

    recent = api.get(f"/api/v1/products?page_size=5&cursor={_unscoped_cursor(api, time.time() - 3600)}")
    stale = api.get(f"/api/v1/products?page_size=5&cursor={_unscoped_cursor(api, time.time() - 2 * 86400)}")

    assert recent.status_code == 200 and [row["id"] for row in recent.json()["results"]] == everything[1:]
    assert stale.status_code == 400 and "next_cursor" in stale.json()["detail"]


def test_a_cursor_s_scope_keeps_repeated_values_in_order_and_leaves_out_what_picks_no_rows():
    from shop.api.cursor import scope_of

    def scope(query):
        from django.http import QueryDict

        return scope_of("/api/v1/products", QueryDict(query).lists(), ignored=("cursor", "page_size"))

    assert scope("category=1&category=2") != scope("category=2&category=1")  # the filter reads the last
    assert scope("seller=3&in_stock=true") == scope("in_stock=true&seller=3")
    assert scope("seller=3&_=1700000000&utm_source=mail&format=json&page_size=5") == scope("seller=3")
    assert scope("seller=3") != scope("seller=4") and scope("seller=") != scope("")
