"""Product views feed Trending and the funnel: one client must not be able to inflate them."""

import pytest
from django.test import Client

from accounts.tests.factories import BuyerFactory
from shop.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _views(product) -> int:
    return OutboxEvent.objects.filter(type="product_viewed", payload__product_id=product.pk).count()


def test_risk_one_client_inflates_a_products_views_by_reloading(client, api, product):
    for _ in range(10):
        client.get(product.get_absolute_url())
        api.get(f"/api/v1/products/{product.pk}")
    assert _views(product) == 1  # one guest on one address: the page and the API alike

    shopper = Client()
    shopper.force_login(BuyerFactory())
    for _ in range(10):
        shopper.get(product.get_absolute_url())
    assert _views(product) == 2  # a second visitor counts, once


def test_risk_a_guest_mints_a_fresh_session_for_every_view(product, settings):
    """Sessions are free: past the per-address limit a guest's views are served and not counted."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "view": {"address": "5/hour", "account": "1/s"}}
    for _ in range(20):
        guest = Client()
        guest.post("/cart/add/", {"product": product.pk, "quantity": 1})  # a session of its own
        assert guest.get(product.get_absolute_url()).status_code == 200

    assert _views(product) == 5


def test_distinct_visitors_each_count(product):
    for _ in range(4):
        shopper = Client()
        shopper.force_login(BuyerFactory())
        shopper.get(product.get_absolute_url())

    assert _views(product) == 4


def test_a_view_counts_again_after_the_window(client, product, settings):
    settings.VIEW_DEDUP_SECONDS = 1
    client.get(product.get_absolute_url())
    import time

    time.sleep(1.2)
    client.get(product.get_absolute_url())

    assert _views(product) == 2
