"""Index updates leave the request: a real Celery worker, over Redis, sends them to the engine."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from catalog.models import SearchQueueEntry
from catalog.search import indexer
from catalog.services import update_product
from catalog.tests.factories import ProductFactory
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(search_index, settings):
    broker = celery_app.conf.broker_url  # settled in conftest, before the first task was sent
    if not broker or not str(broker).startswith("redis"):
        pytest.skip("no Redis broker (make test starts Redis and sets CELERY_BROKER_URL)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database, which needs a server database")
    queue = f"test-{uuid.uuid4().hex[:10]}"  # this test's own queue: no other worker takes its tasks
    # Search answers are kept until the index's generation moves, and the worker moves it: both
    # processes share one cache, as every process of a deployment does (keys of this test's own).
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("no Redis cache (make test starts Redis and sets REDIS_URL)")
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": queue,
        }
    }
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "CELERY_BROKER_URL": broker,
        "SEARCH_URL": settings.SEARCH_URL,
        "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": queue,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo", "--loglevel=warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = "celery"
        process.terminate()
        process.wait(timeout=20)


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_indexes_the_change_after_the_commit(api, staff, worker, search_index):
    product = ProductFactory(title="Copper kettle")
    indexer.enqueue(SearchQueueEntry.Kind.PRODUCT, [product.pk])  # what create_product would have queued
    indexer.process_queue()

    update_product(product, by=staff, title="Copper teapot")  # commits: the task goes to the broker

    found = _wait_for(
        lambda: [hit["id"] for hit in api.get("/api/v1/search?q=teapot").json()["results"]] == [product.pk]
    )
    assert found, (
        worker.stderr.read1().decode(errors="replace") if worker.poll() is not None else "worker did not index"
    )
    assert _wait_for(lambda: not SearchQueueEntry.objects.exists(), 10)
