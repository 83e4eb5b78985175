"""Russian search: stemming ("чайники" finds "чайник") and a Cyrillic typo, on OpenSearch and on
PostgreSQL, as shoppers type them into the API and the storefront."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import CategoryTranslation
from catalog.search import indexer
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _russian_catalogue(seller):
    kitchen = CategoryFactory(name="Kitchen")
    CategoryTranslation.objects.create(category=kitchen, language="ru", name="Кухня")
    return {
        "kettle": ProductFactory(
            seller=seller,
            category=kitchen,
            title="Электрический чайник",
            description="Быстро кипятит воду и выключается сам.",
            price=Decimal("2490.00"),
            stock=5,
        ),
        "pan": ProductFactory(seller=seller, category=kitchen, title="Чугунная сковорода", price=Decimal("1890.00")),
        "shears": ProductFactory(seller=seller, title="Садовый секатор", price=Decimal("990.00")),
    }


def _titles(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [hit["title"] for hit in answer.json()["results"]]


@pytest.fixture
def indexed(search_index, seller):
    products = _russian_catalogue(seller)
    indexer.rebuild("products")  # the factories write past the services' queue
    search_index.indices.refresh(index="_all")
    return products


def test_opensearch_stems_russian_plurals(api, indexed):
    answer = api.get("/api/v1/search", {"q": "чайники"})

    assert answer.json()["engine"] == "search"
    assert _titles(answer) == ["Электрический чайник"]
    assert "<mark>" in answer.json()["results"][0]["highlight"]


def test_opensearch_forgives_a_cyrillic_typo(api, indexed):
    assert _titles(api.get("/api/v1/search", {"q": "чайнек"})) == ["Электрический чайник"]
    assert _titles(api.get("/api/v1/search", {"q": "сковородки"})) == ["Чугунная сковорода"]


def test_opensearch_finds_products_by_the_russian_name_of_their_category(api, indexed):
    found = set(_titles(api.get("/api/v1/search", {"q": "кухня"})))

    assert found == {"Электрический чайник", "Чугунная сковорода"}


def test_opensearch_facets_name_categories_in_the_answer_language(api, indexed):
    answer = api.get("/api/v1/search", {"q": "чайник"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert [facet["label"] for facet in answer.json()["facets"]["category"]] == ["Кухня"]
    assert answer["Content-Language"] == "ru"


@pytest.fixture
def in_postgres(seller, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the database fallback's Russian search is PostgreSQL's (make test runs on it)")
    settings.SEARCH_URL = ""
    return _russian_catalogue(seller)


def test_postgres_stems_russian_plurals(api, in_postgres):
    answer = api.get("/api/v1/search", {"q": "чайники"})

    assert answer.json()["engine"] == "database"
    assert _titles(answer) == ["Электрический чайник"]


def test_postgres_forgives_a_cyrillic_typo(api, in_postgres):
    assert _titles(api.get("/api/v1/search", {"q": "чайнек"})) == ["Электрический чайник"]
    assert _titles(api.get("/api/v1/search", {"q": "скаварода"})) == []  # too far from anything: nothing


def test_postgres_still_stems_english(api, seller, in_postgres):
    ProductFactory(seller=seller, title="Stainless steel kettle")

    assert _titles(api.get("/api/v1/search", {"q": "kettles"})) == ["Stainless steel kettle"]


def test_the_russian_search_page_finds_and_speaks_russian(client, in_postgres):
    page = client.get("/ru/search/", {"q": "чайники"}).content.decode()

    assert "Электрический чайник" in page and "1 результат" in page and "Кухня" in page
