"""The Redis cache fails open: with Redis unreachable, requests are served and nothing raises."""

import pytest
from django.core.cache import cache

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_reads_miss_and_writes_are_dropped(unreachable_redis):
    assert cache.set("k", 1) is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is False and cache.delete("k") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]  # reported as not stored


def test_login_and_pages_work_while_the_cache_is_down(unreachable_redis, api, client, buyer):
    login = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}, format="json")

    assert login.status_code == 200 and login.json()["access"]
    assert client.get("/").status_code == 200


def test_the_real_redis_cache_reuses_one_client_and_counts_what_it_reads(settings):
    """On the configured Redis: values go in and come back, every operation goes through one
    redis.Redis (Django would build one per operation), and a read of a missing key is a miss."""
    import os
    import uuid

    from shop.cache import CountingRedisCache

    redis_cache = CountingRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})

    redis_cache.set("answer", {"value": 42}, 30)
    assert redis_cache.get("answer") == {"value": 42}
    assert redis_cache.get("missing", "fallback") == "fallback"
    assert redis_cache.add("answer-count", 1, 30)
    assert redis_cache.incr("answer-count") == 2

    first = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client(write=True) is first
    redis_cache.delete_many(["answer", "answer-count"])
    assert redis_cache.get("answer") is None
