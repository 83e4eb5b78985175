"""The engine's answers are kept until the index changes (catalog/search/answers.py), on the real node."""

import re
from decimal import Decimal

import pytest
from django.test import override_settings

from catalog.search import indexer
from catalog.services import create_product, update_product
from catalog.tests.factories import CategoryFactory
from shop import search_engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(monkeypatch):
    """How many searches reached the engine."""
    calls = []
    client = search_engine.client()
    real = client.search

    def counting(*args, **kwargs):
        calls.append(kwargs.get("body"))
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "search", counting)
    return calls


@pytest.fixture
def lamp(search_index, seller):
    product = create_product(
        seller=seller, title="Brass desk lamp", price=Decimal("40.00"), category=CategoryFactory(), stock=1
    )
    indexer.process_queue()
    return product


def _search(api, query: str) -> dict:
    answer = api.get(f"/api/v1/search?{query}")
    assert answer.status_code == 200
    return answer.json()


def test_the_same_search_is_asked_once(api, client, lamp, asked):
    first = _search(api, "q=lamp")
    assert _search(api, "q=lamp") == first
    assert "Brass desk <mark>lamp</mark>" in client.get("/search/?q=lamp").content.decode()  # the same answer
    assert len(asked) == 1
    _search(api, "q=lamp&in_stock=true")  # another request: asked
    assert len(asked) == 2


def test_a_change_is_searchable_as_soon_as_the_index_has_it(api, seller, lamp, asked):
    assert _search(api, "q=lamp")["results"][0]["in_stock"] is True

    update_product(lamp, by=seller, stock=0, expected_stock=1)
    indexer.process_queue()

    assert _search(api, "q=lamp")["results"][0]["in_stock"] is False
    assert len(asked) == 2


def test_a_rebuilt_index_is_asked_again(api, lamp, asked):
    _search(api, "q=lamp")
    indexer.rebuild("products")
    _search(api, "q=lamp")
    assert len(asked) == 2


def test_suggestions_are_kept_too(api, lamp, asked):
    first = api.get("/api/v1/search/suggest?q=bra").json()
    assert api.get("/api/v1/search/suggest?q=bra").json() == first
    assert first["suggestions"][0]["title"] == "Brass desk lamp"
    assert len(asked) == 2  # products and shops, once


def test_without_the_cache_every_search_is_asked(api, lamp, asked, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    _search(api, "q=lamp")
    _search(api, "q=lamp")
    assert len(asked) == 2


def test_while_the_engine_is_down_a_kept_answer_still_holds_and_new_searches_use_the_database(api, lamp):
    assert _search(api, "q=lamp")["engine"] == "search"
    with override_settings(SEARCH_URL="http://127.0.0.1:9"):  # nothing answers there
        kept = _search(api, "q=lamp")
        fallback = _search(api, "q=brass")

    assert kept["engine"] == "search"  # the index has not changed since it answered
    assert fallback["engine"] == "database" and [hit["id"] for hit in fallback["results"]] == [lamp.pk]


def _without_csrf_tokens(page: str) -> str:
    """The header's language switcher is a form: its CSRF token is masked afresh for every answer."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_search_pages_results_are_kept_with_the_answer(client, seller, lamp, asked):
    first = _without_csrf_tokens(client.get("/search/?q=lamp").content.decode())
    again = _without_csrf_tokens(client.get("/search/?q=lamp").content.decode())
    other = client.get("/search/?q=lamp&utm_source=mail").content.decode()  # links carry it along

    assert again == first and len(asked) == 1
    assert "utm_source=mail" in other and "utm_source" not in first

    update_product(lamp, by=seller, stock=0, expected_stock=1)  # sold out
    assert 'class="badge out">Sold out' not in client.get("/search/?q=lamp").content.decode()  # not indexed yet
    indexer.process_queue()
    assert 'class="badge out">Sold out' in client.get("/search/?q=lamp").content.decode()


def test_a_page_answered_from_the_database_is_not_kept(client, lamp, asked):
    with override_settings(SEARCH_URL="http://127.0.0.1:9"):
        assert "Brass desk <mark>lamp</mark>" in client.get("/search/?q=lamp").content.decode()
    client.get("/search/?q=lamp")
    assert len(asked) == 1  # the engine was asked, not the database's page reused
