"""Drill: ClickHouse stops under the storefront. Pages still answer, without their recommendation shelves;
the API says the shelves are unavailable; once ClickHouse is back, the shelves return.

Stops and starts the project's own ClickHouse (scripts/stack), so it runs with the other drills.
"""

import pytest
from django.core.cache import cache

from accounts.tests.factories import BuyerFactory
from catalog.tests.factories import ProductFactory
from recommendations.tests import factories
from shop.testing import stack

pytestmark = [pytest.mark.drill, pytest.mark.django_db]


@pytest.mark.parametrize("warehouse", ["clickhouse-server"], indirect=True)
def test_clickhouse_down_the_pages_leave_the_shelves_out_and_get_them_back(warehouse, client, api, api_as, seller):
    kettle, grinder = ProductFactory(seller=seller, title="Kettle"), ProductFactory(seller=seller, title="Grinder")
    factories.rules(warehouse, {kettle: [grinder]})
    factories.events(warehouse, ("product_viewed", grinder, 0.1, 9))
    buyer = BuyerFactory()
    client.force_login(buyer)
    urls = ("/", kettle.get_absolute_url())
    assert [b"Trending now" in client.get("/").content, b"Often bought together" in client.get(urls[1]).content] == [
        True,
        True,
    ]
    cache.clear()  # what the shelves remember would hide the outage for RECOMMENDATIONS_CACHE_SECONDS
    try:
        stack("down", "clickhouse")
        pages = [client.get(url) for url in urls]
        answers = [
            api.get("/api/v1/products/trending"),
            api.get(f"/api/v1/products/{kettle.pk}/recommendations"),
            api_as(buyer).get("/api/v1/me/recommendations"),
        ]
    finally:
        stack("up", "clickhouse")

    assert [page.status_code for page in pages] == [200, 200]
    assert b"Trending now" not in pages[0].content and b"New arrivals" in pages[0].content
    assert b"Often bought together" not in pages[1].content and b"Add to cart" in pages[1].content
    assert all(answer.status_code == 200 and answer.json()["source"] == "unavailable" for answer in answers)
    cache.clear()  # the pause after a failure is over
    assert b"Trending now" in client.get("/").content
    assert b"Often bought together" in client.get(urls[1]).content
