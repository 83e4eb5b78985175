"""With no search engine, the same endpoints answer from the database, in the same shapes."""

from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(seller, other_seller):
    kitchen = CategoryFactory(name="Kitchen")
    return {
        "kettle": ProductFactory(
            seller=seller, category=kitchen, title="Stainless steel kettle", price=Decimal("35.00"), stock=3
        ),
        "kettles": ProductFactory(
            seller=seller,
            category=CategoryFactory(name="Kettles", parent=kitchen),
            title="Two kettles",
            price=Decimal("80.00"),
            stock=0,
        ),
        "shears": ProductFactory(
            seller=other_seller, title="Pruning shears", description="For roses", price=Decimal("19.50")
        ),
        "off": ProductFactory(seller=seller, title="Old kettle", is_active=False),
    }


def test_search_answers_from_the_database(api, catalogue):
    body = api.get("/api/v1/search?q=kettle").json()

    assert body["engine"] == "database"
    assert {hit["title"] for hit in body["results"]} == {"Stainless steel kettle", "Two kettles"}
    assert {hit["type"] for hit in body["results"]} == {"product"}
    highlights = {hit["highlight"] for hit in body["results"]}
    assert "Stainless steel <mark>kettle</mark>" in highlights


def test_the_same_facets_and_filters(api, catalogue, seller):
    kitchen = catalogue["kettle"].category

    body = api.get(f"/api/v1/search?category={kitchen.pk}").json()
    in_stock = api.get(f"/api/v1/search?category={kitchen.pk}&in_stock=true").json()

    assert body["count"] == 2
    assert {f["label"]: f["count"] for f in body["facets"]["in_stock"]} == {"In stock": 1, "Sold out": 1}
    assert {f["value"]: f["count"] for f in body["facets"]["price"]} == {"25-100": 2}
    assert [f["value"] for f in body["facets"]["seller"]] == [seller.pk]
    assert [hit["title"] for hit in in_stock["results"]] == ["Stainless steel kettle"]


def test_words_in_the_description_match(api, catalogue):
    assert [hit["title"] for hit in api.get("/api/v1/search?q=roses").json()["results"]] == ["Pruning shears"]


def test_suggestions_from_the_database(api, catalogue):
    suggestions = api.get("/api/v1/search/suggest?q=stain").json()["suggestions"]

    assert suggestions == [{"id": catalogue["kettle"].pk, "type": "product", "title": "Stainless steel kettle"}]


def test_sellers_and_comments_from_the_database(api, catalogue, seller):
    ReviewFactory(product=catalogue["shears"], text="Cuts thick branches", rating=4)
    shop = seller.seller_profile.shop_name

    sellers = api.get("/api/v1/search", {"type": "sellers", "q": shop}).json()
    comments = api.get("/api/v1/search?type=comments&q=branches").json()

    assert [hit["title"] for hit in sellers["results"]] == [shop]
    assert [hit["product"] for hit in comments["results"]] == [catalogue["shears"].pk]
    assert comments["facets"]["rating"] == [{"value": 4, "label": "4 stars", "count": 1}]


def test_html_in_titles_is_escaped_in_highlights(api, seller):
    ProductFactory(seller=seller, title="Kettle <img src=x onerror=alert(1)>")

    hit = api.get("/api/v1/search?q=kettle").json()["results"][0]

    assert hit["highlight"] == "<mark>Kettle</mark> &lt;img src=x onerror=alert(1)&gt;"


def test_the_search_page_shows_results_and_facets(client, catalogue):
    page = client.get("/search/?q=kettle").content.decode()

    assert "Stainless steel <mark>kettle</mark>" in page
    assert "2 results" in page and "In stock (1)" in page


def test_the_search_page_with_nothing_found_says_what_to_try(client, catalogue):
    page = client.get("/search/?q=zebra").content.decode()

    assert "No results for “zebra”" in page


def test_the_search_page_shows_a_clear_error_for_bad_filters(client, db):
    response = client.get("/search/?min_price=abc")

    assert response.status_code == 400
    assert "min_price" in response.content.decode()


def test_the_search_pages_facets_link_to_the_narrowed_search(client, catalogue, seller):
    page = client.get("/search/?q=kettle&page=2&max_price=90&in_stock=false").content.decode()

    # each link keeps the search and its other filters, drops the page and sets its own value
    assert f'href="?q=kettle&amp;max_price=90&amp;in_stock=false&amp;seller={seller.pk}"' in page
    assert 'href="?q=kettle&amp;max_price=100&amp;in_stock=false&amp;min_price=25"' in page
    assert 'href="?q=kettle&amp;max_price=90&amp;in_stock=true"' not in page  # no facet for what is filtered out
