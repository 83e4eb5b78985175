"""The public catalogue lists share their total between requests; the items stay fresh, and
a seller's own list counts exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _counts(client, url: str) -> tuple[int, dict]:
    """How many COUNT queries the request ran, and the JSON answer."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return sum("COUNT(" in query["sql"] for query in captured), response.json()


def test_the_api_list_counts_once_and_then_shares_the_total(client, seller):
    ProductFactory.create_batch(3, seller=seller)

    first_counts, first = _counts(client, "/api/v1/products")
    ProductFactory(seller=seller, title="Brand new lamp")
    second_counts, second = _counts(client, "/api/v1/products")

    assert (first_counts, second_counts) == (1, 0)
    assert first["count"] == second["count"] == 3  # the total lags, within CATALOGUE_COUNT_SECONDS
    assert "Brand new lamp" in [item["title"] for item in second["results"]]  # the items do not


def test_each_filter_has_a_total_of_its_own(client, seller):
    lamps, chairs = CategoryFactory(name="Lamps"), CategoryFactory(name="Chairs")
    ProductFactory.create_batch(2, seller=seller, category=lamps)
    ProductFactory.create_batch(5, seller=seller, category=chairs)

    totals = [client.get(f"/api/v1/products?category={c.pk}").json()["count"] for c in (lamps, chairs, lamps)]

    assert totals == [2, 5, 2]


def test_the_total_is_counted_again_once_its_time_is_up(client, seller, settings):
    from django.core.cache import cache

    ProductFactory.create_batch(2, seller=seller)
    assert client.get("/api/v1/products").json()["count"] == 2
    ProductFactory(seller=seller)

    cache.clear()  # what CATALOGUE_COUNT_SECONDS passing does to the entry

    assert client.get("/api/v1/products").json()["count"] == 3


def test_the_storefront_catalogue_shares_its_total_too(client, seller):
    ProductFactory.create_batch(30, seller=seller)  # two pages of 24
    client.get("/products/")

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/products/?page=2")

    assert page.status_code == 200 and page.context["page"].paginator.count == 30
    assert not [query for query in captured if "COUNT(" in query["sql"]]


def test_with_zero_seconds_every_request_counts(client, seller, settings):
    settings.CATALOGUE_COUNT_SECONDS = 0
    ProductFactory(seller=seller)

    assert [_counts(client, "/api/v1/products")[0] for _ in range(2)] == [1, 1]


def test_a_sellers_own_list_counts_exactly_after_their_change(client, seller):
    ProductFactory.create_batch(2, seller=seller)
    client.force_login(seller)
    client.get("/seller/products/")
    ProductFactory(seller=seller)

    page = client.get("/seller/products/")

    assert page.context["page"].paginator.count == 3
