"""Reviews posted at the same moment must all count in the product's rating (PostgreSQL, threads)."""

import threading

import pytest
from django.db import connection

from accounts.tests.factories import BuyerFactory
from catalog.models import Product
from orders.tests.test_concurrency import _race
from reviews import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_risk_concurrent_reviews_lose_a_rating(product, monkeypatch):
    """The interleaving: every review is written before any of them recomputes the rating, so
    each recomputation starts while the others are not committed yet."""
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are checked on PostgreSQL (make test runs it)")
    authors = [BuyerFactory() for _ in range(6)]
    all_written = threading.Barrier(len(authors))
    recompute = services.refresh_product_rating

    def after_every_insert(product_id: int) -> None:
        all_written.wait(timeout=30)
        recompute(product_id)

    monkeypatch.setattr(services, "refresh_product_rating", after_every_insert)

    results = _race(
        [lambda author=author: services.post_review(author=author, product=product, rating=5) for author in authors]
    )

    assert not [result for result in results if isinstance(result, Exception)], results
    assert Product.objects.values_list("rating_count", flat=True).get(pk=product.pk) == len(authors)
