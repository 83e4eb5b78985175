"""Drill: the search engine is stopped. Search answers from the database, quickly (a search asked just
before keeps the engine's answer, which the index still holds); changes made meanwhile wait in the
queue, and the index has them once the engine is back.

Stops and starts the project's own OpenSearch node (scripts/stack), so it runs with the other drills.
"""

import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from catalog.models import SearchQueueEntry
from catalog.search import indexer
from shop.testing import port_answers, stack

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kettle(search_index, seller):
    from catalog.services import create_product
    from catalog.tests.factories import CategoryFactory

    product = create_product(
        seller=seller, title="Stainless steel kettle", price=Decimal("35.00"), stock=4, category=CategoryFactory()
    )
    indexer.process_queue()
    return product


def test_search_engine_down_search_answers_from_the_database_and_the_index_catches_up(
    api, api_as, client, seller, kettle, settings
):
    port = urlsplit(settings.SEARCH_URL).port
    assert api.get("/api/v1/search", {"q": "kettle"}).json()["engine"] == "search"
    try:
        stack("down", "search")
        assert not port_answers(port)

        kept = api.get("/api/v1/search", {"q": "kettle"})  # asked before: the engine's kept answer
        started = time.monotonic()
        fallback = api.get("/api/v1/search", {"q": "stainless"})
        search_seconds = time.monotonic() - started
        edited = api_as(seller).patch(f"/api/v1/products/{kettle.pk}", {"title": "Copper kettle"}, format="json")
        after_edit = api.get("/api/v1/search", {"q": "copper"}).json()
        page = client.get("/search/", {"q": "copper"})
        suggestions = api.get("/api/v1/search/suggest", {"q": "copp"})
        ready = client.get("/health/ready")

        assert kept.status_code == 200 and kept.json()["engine"] == "search"  # the index has not changed since
        assert fallback.status_code == 200 and fallback.json()["engine"] == "database"
        assert [hit["id"] for hit in fallback.json()["results"]] == [kettle.pk]
        assert search_seconds < 2, search_seconds  # refused at once: no wait for a timeout
        assert edited.status_code == 200  # the seller's edit is not held up by the index
        assert after_edit["engine"] == "database" and [hit["title"] for hit in after_edit["results"]] == [
            "Copper kettle"
        ]
        assert (
            page.status_code == 200 and f"/products/{kettle.pk}/" in page.content.decode()
        )  # the title is highlighted
        assert suggestions.status_code == 200 and suggestions.json()
        assert ready.status_code == 200 and set(ready.json()["failed"]) == {"search"}
        assert SearchQueueEntry.objects.filter(object_id=kettle.pk).exists()  # waiting for the engine
    finally:
        stack("up", "search")

    assert indexer.process_queue() >= 1  # what beat runs every minute
    assert not SearchQueueEntry.objects.exists()
    back = api.get("/api/v1/search", {"q": "copper"}).json()
    assert back["engine"] == "search" and [hit["title"] for hit in back["results"]] == ["Copper kettle"]
    assert api.get("/api/v1/search", {"q": "stainless"}).json()["count"] == 0
