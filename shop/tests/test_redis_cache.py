"""With REDIS_URL set, throttling counts in Redis, so every web process shares one count."""

import os
import uuid

import pytest
import redis

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache(settings):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set (make test starts Redis and sets it)")
    prefix = f"test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_login_throttle_counts_in_redis(api, buyer, redis_cache):
    codes = [api.post("/api/v1/auth/login", {"email": buyer.email, "password": "wrong"}).status_code for _ in range(11)]

    assert codes == [401] * 10 + [429]
    keys = [key.decode() for key in redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_cache}:*")]
    assert any("throttle_login" in key for key in keys), keys
    assert api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}).status_code == 429
