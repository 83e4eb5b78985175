"""Drill: Redis (cache and Celery broker) is stopped. The site still serves pages, logins and
checkouts; the work meant for the worker waits in the database and is done once Redis is back.

Stops and starts the project's own Redis (scripts/stack), so it runs with the other drills.
"""

import os
import time

import pytest

from accounts.tests.factories import PASSWORD
from catalog.models import SearchQueueEntry
from config.celery import app as celery_app
from shop.testing import port_answers, stack

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_everywhere(settings):
    """The cache and the Celery broker on the project's Redis, as in production."""
    if not os.environ.get("REDIS_URL") or not os.environ.get("CELERY_BROKER_URL"):
        pytest.fail("REDIS_URL and CELERY_BROKER_URL are not set (make test starts Redis and sets them)")
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    celery_app.conf.broker_url = os.environ["CELERY_BROKER_URL"]
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_connection_timeout = 1
    yield int(os.environ["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
    celery_app.conf.task_always_eager = True


def test_redis_down_the_site_serves_and_sells_and_the_queue_catches_up_later(
    client, api, buyer, product, search_index, redis_everywhere
):
    port = redis_everywhere
    try:
        stack("down", "redis")
        assert not port_answers(port)

        pages = [client.get(path).status_code for path in ("/", "/products/", product.get_absolute_url())]
        login = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}, format="json")
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
        added = api.post("/api/v1/cart", {"product": product.pk, "quantity": product.stock}, format="json")
        started = time.monotonic()
        bought = api.post("/api/v1/purchases")
        checkout_seconds = time.monotonic() - started

        assert pages == [200, 200, 200]
        assert login.status_code == 200 and added.status_code in (200, 201) and bought.status_code == 201
        assert checkout_seconds < 10
        assert SearchQueueEntry.objects.filter(object_id=product.pk).exists()  # the worker's job, waiting
    finally:
        stack("up", "redis")

    from catalog.tasks import process_search_queue

    assert process_search_queue() >= 1  # what beat runs every minute, now that the broker is back
    assert not SearchQueueEntry.objects.filter(object_id=product.pk).exists()
    hit = api.get("/api/v1/search", {"q": product.title, "type": "products"}).json()["results"]
    assert hit and hit[0]["id"] == product.pk and hit[0]["in_stock"] is False  # sold out, and the index knows
