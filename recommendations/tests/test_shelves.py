"""The shelves on the pages and in the API: what they show, what they never show, what they cost.

Rules, sales and events are written straight into the warehouse (ClickHouse 18.16 and
chdb) as the jobs and the consumer write them; the tests/test_jobs.py tests cover those.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import BuyerFactory, SellerFactory
from cart.services import add_to_cart, user_cart
from catalog.tests.factories import CategoryFactory, ProductFactory
from orders.services import place_order
from recommendations.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def kitchen(seller, other_seller):
    """A kettle whose complements are a grinder, a mug (sold out), a tray (off sale), a spoon (seller inactive)."""
    category = CategoryFactory(name="Kitchen")
    retired = SellerFactory(is_active=False)

    def make(title, **fields):
        return ProductFactory(category=category, title=title, seller=fields.pop("seller", seller), **fields)

    return {
        "kettle": make("Kettle"),
        "grinder": make("Grinder", seller=other_seller),
        "mug": make("Mug", stock=0),
        "tray": make("Tray", is_active=False),
        "spoon": make("Spoon", seller=retired),
        "pan": make("Pan"),
        "knife": make("Knife"),
    }


def _buy(buyer, *products) -> None:
    cart = user_cart(buyer)
    for product in products:
        add_to_cart(cart, product, 1)
    place_order(buyer, shipping_name="Test", shipping_address="1 Test Street")


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_bought_together_shows_the_rules_never_the_product_and_nothing_hidden_or_sold_out(warehouse, api, kitchen):
    k = kitchen
    factories.rules(warehouse, {k["kettle"]: [k["kettle"], k["mug"], k["tray"], k["spoon"], k["grinder"], k["pan"]]})

    response = api.get(f"/api/v1/products/{k['kettle'].pk}/recommendations")

    assert response.status_code == 200
    assert response.json()["source"] == "bought_together" and response.json()["product"] == k["kettle"].pk
    assert _ids(response) == [k["grinder"].pk, k["pan"].pk]
    page = api.get(k["kettle"].get_absolute_url())
    assert b"Often bought together" in page.content and b"Grinder" in page.content
    assert b"Mug" not in page.content and b"Tray" not in page.content and b"Spoon" not in page.content

    k["grinder"].stock = 0  # sold out since: gone at once, though the cache still holds the rules
    k["grinder"].save()
    assert _ids(api.get(f"/api/v1/products/{k['kettle'].pk}/recommendations")) == [k["pan"].pk]


def test_without_rules_the_categorys_best_sellers_stand_in_and_say_so(warehouse, api, kitchen):
    k = kitchen
    factories.sales(warehouse, (k["knife"], 9), (k["mug"], 8), (k["kettle"], 7), (k["tray"], 6), (k["pan"], 2))

    response = api.get(f"/api/v1/products/{k['kettle'].pk}/recommendations", {"limit": 5})

    assert response.json()["source"] == "category_best_sellers"
    assert _ids(response) == [k["knife"].pk, k["pan"].pk]
    assert b"Best sellers in this category" in api.get(k["kettle"].get_absolute_url()).content


def test_a_product_shoppers_cannot_see_has_no_recommendations_for_them(warehouse, api, kitchen):
    assert api.get(f"/api/v1/products/{kitchen['tray'].pk}/recommendations").status_code == 404
    assert api.get("/api/v1/products/999999999/recommendations").status_code == 404
    assert api.get(f"/api/v1/products/{kitchen['kettle'].pk}/recommendations", {"limit": 0}).status_code == 400


def test_recommended_for_you_follows_what_you_bought_and_never_offers_it_again(warehouse, api_as, client, kitchen):
    k = kitchen
    buyer = BuyerFactory()
    _buy(buyer, k["kettle"], k["knife"])
    factories.rules(
        warehouse,
        {k["kettle"]: [k["knife"], k["mug"], k["grinder"]], k["knife"]: [k["tray"], k["spoon"], k["kettle"]]},
    )
    factories.sales(warehouse, (k["kettle"], 9), (k["pan"], 5), (k["mug"], 4))

    response = api_as(buyer).get("/api/v1/me/recommendations")

    assert response.json()["source"] == "item_to_item"
    assert _ids(response) == [k["grinder"].pk, k["pan"].pk]  # the rules' product, then a best seller
    client.force_login(buyer)
    assert b"Recommended for you" in client.get("/").content

    _buy(buyer, k["grinder"])  # bought since the shelf was cached: not offered again
    assert _ids(api_as(buyer).get("/api/v1/me/recommendations")) == [k["pan"].pk]


def test_a_shopper_who_bought_nothing_is_offered_the_best_sellers(warehouse, api_as, api, kitchen):
    factories.sales(warehouse, (kitchen["pan"], 5), (kitchen["mug"], 4), (kitchen["knife"], 3))

    response = api_as(BuyerFactory()).get("/api/v1/me/recommendations")

    assert response.json() == {**response.json(), "source": "best_sellers"}
    assert _ids(response) == [kitchen["pan"].pk, kitchen["knife"].pk]
    assert api.get("/api/v1/me/recommendations").status_code == 401


def test_trending_rises_with_recent_activity_and_yesterdays_spike_fades(warehouse, api, client, kitchen):
    k = kitchen
    factories.events(
        warehouse,
        ("product_viewed", k["grinder"], 0.2, 6),  # rising now
        ("order_placed", k["grinder"], 0.1, 2),
        ("product_viewed", k["pan"], 23, 40),  # yesterday's spike
        ("product_viewed", k["knife"], 50, 400),  # always busy ...
        ("product_viewed", k["knife"], 0.5, 3),  # ... and as busy as ever
        ("product_viewed", k["mug"], 0.1, 30),  # rising, but sold out
        ("cart_item_added", k["tray"], 0.1, 30),  # rising, but off sale
        ("cart_item_added", k["kettle"], 1, 3),  # rising, less
    )

    response = api.get("/api/v1/products/trending")

    body = response.json()
    assert body["source"] == "trending" and body["window_hours"] == 24
    assert _ids(response) == [k["grinder"].pk, k["kettle"].pk]
    assert body["results"][0]["trend_score"] > body["results"][1]["trend_score"] > 1
    assert b"Trending now" in client.get("/").content


def test_the_pages_cost_the_same_queries_whatever_the_shelves_hold(warehouse, client, kitchen):
    buyer = BuyerFactory()
    client.force_login(buyer)
    k = kitchen
    few, many = [k["grinder"]], [ProductFactory(category=k["kettle"].category) for _ in range(8)]

    def counted(url: str) -> int:
        client.get(url)  # fills the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    factories.rules(warehouse, {k["kettle"]: few}, version=1)
    factories.events(warehouse, *[("product_viewed", product, 0.1, 9) for product in few])
    small = counted(k["kettle"].get_absolute_url()), counted("/")
    from django.core.cache import cache

    cache.clear()
    factories.rules(warehouse, {k["kettle"]: many}, version=2)
    factories.events(warehouse, *[("product_viewed", product, 0.1, 9) for product in many])
    large = counted(k["kettle"].get_absolute_url()), counted("/")

    assert small == large


def test_a_warehouse_that_does_not_answer_leaves_the_shelves_out_not_the_page(settings, client, api, api_as, kitchen):
    settings.CLICKHOUSE_URL = "clickhouse://127.0.0.1:1/nowhere"
    buyer = BuyerFactory()
    client.force_login(buyer)

    home, product = client.get("/"), client.get(kitchen["kettle"].get_absolute_url())

    assert home.status_code == product.status_code == 200
    assert b"Trending now" not in home.content and b"Recommended for you" not in home.content
    assert b"bought together" not in product.content.lower() and b"New arrivals" in home.content
    for response in (
        api.get("/api/v1/products/trending"),
        api.get(f"/api/v1/products/{kitchen['kettle'].pk}/recommendations"),
        api_as(buyer).get("/api/v1/me/recommendations"),
    ):
        assert response.status_code == 200
        assert response.json()["source"] == "unavailable" and response.json()["results"] == []


def test_after_a_failure_the_warehouse_is_left_alone_for_a_while(monkeypatch, kitchen):
    from recommendations import candidates, selectors

    calls = []

    class Down:
        def query(self, sql):
            calls.append(sql)
            raise ConnectionRefusedError("nothing listens there")

    monkeypatch.setattr(candidates, "warehouse", lambda: Down())

    first = selectors.bought_together(kitchen["kettle"])
    second = selectors.trending_now()

    assert first.source == second.source == "unavailable"
    assert len(calls) == 1


def test_risk_one_visitor_reloading_a_product_makes_it_trend(warehouse, api, kitchen):
    """200 views from one shopper in the last hour are one visitor's interest; six shoppers' views are
    a trend. Only the second rises (views count once per visitor, product and hour)."""
    from datetime import UTC, datetime, timedelta

    from analytics.tests.factories import raw_event

    k = kitchen
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    reloads = [
        raw_event("product_viewed", {"product_id": k["pan"].pk}, now - timedelta(minutes=n % 50), user_id=7)
        for n in range(200)
    ]
    shoppers = [
        raw_event("product_viewed", {"product_id": k["grinder"].pk}, now - timedelta(minutes=5), user_id=100 + n)
        for n in range(6)
    ]
    warehouse.insert("raw_events", reloads + shoppers)

    assert _ids(api.get("/api/v1/products/trending")) == [k["grinder"].pk]
