"""Django's own Redis cache, counting gets, hits and misses, and surviving Redis being down.

django-prometheus's Redis backends need django-redis; this one keeps Django's
built-in client and adds the counters the dashboards read.

The cache holds nothing the shop cannot do without (throttle counters), so when
Redis does not answer, reads miss and writes are dropped, with a warning, instead
of failing the request: the site keeps serving, and throttling is off until Redis
is back (fail open). Short socket timeouts (settings) keep a hung Redis from
stalling requests.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

_MISSING = object()
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(CountingRedisCache, self), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            log.warning("cache unavailable, %s skipped: %s", name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class ClientReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool instead of making one for every
    cache operation: building one fills its table of response callbacks, about 500 Python calls, and
    a page reads and writes the cache several times. A redis-py client is safe to share between
    threads (each command borrows a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class CountingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClientReusingRedisCacheClient

    def get(self, key, default=None, version=None):
        django_cache_get_total.labels(backend="redis").inc()
        try:
            value = super().get(key, _MISSING, version=version)
        except UNAVAILABLE as error:
            django_cache_get_fail_total.labels(backend="redis").inc()
            log.warning("cache unavailable, get skipped: %s", error)
            return default
        if value is _MISSING:
            django_cache_misses_total.labels(backend="redis").inc()
            return default
        django_cache_hits_total.labels(backend="redis").inc()
        return value

    set = _tolerant("set", None)
    add = _tolerant("add", False)
    incr = _tolerant("incr", lambda *args, **kwargs: 0)  # throttle counts: 0 lets the attempt through
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    delete_many = _tolerant("delete_many", None)
    has_key = _tolerant("has_key", False)
    clear = _tolerant("clear", False)
