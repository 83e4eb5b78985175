"""Readiness: the database and every configured service, each with a short timeout.

Services whose setting is empty use the embedded default and are not checked. Only the
database is required to serve: without the others the site degrades (the cache fails
open, search answers from the database, events wait in the outbox, the analytics pages
say the warehouse is down), so a load balancer must not take every web process out of
rotation because one of them is down.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connection

TIMEOUT_SECONDS = 2.0
REQUIRED = frozenset({"database"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS).ping()


def _storage() -> None:
    """The server answers; a bucket not made yet is fine (the first upload makes it)."""
    from botocore.exceptions import ClientError
    from django.core.files.storage import storages

    storage = storages["default"]
    try:
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise


def _search() -> None:
    from shop import search_engine

    if not search_engine.client().ping():
        raise ConnectionError("no answer")


def _kafka() -> None:
    from confluent_kafka.admin import AdminClient

    AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS}).list_topics(timeout=TIMEOUT_SECONDS)


def _warehouse() -> None:
    from analytics.warehouse import warehouse

    warehouse().query("SELECT 1 AS one")


def configured_checks() -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {"database": _database}
    if settings.REDIS_URL:
        checks["cache"] = _cache
    if settings.STORAGES["default"]["BACKEND"].endswith("BucketStorage"):
        checks["storage"] = _storage
    if settings.SEARCH_URL:
        checks["search"] = _search
    if settings.KAFKA_BOOTSTRAP_SERVERS:
        checks["kafka"] = _kafka
    if settings.CLICKHOUSE_URL:
        checks["warehouse"] = _warehouse
    return checks


def _run(check: Callable[[], None]) -> None:
    try:
        check()
    finally:
        connection.close()  # this thread's own connection, if it opened one


def readiness() -> dict[str, str]:
    """Each check's verdict: "ok", or what went wrong. They run side by side, each within the timeout."""
    checks = configured_checks()
    verdicts: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        futures = {name: pool.submit(_run, check) for name, check in checks.items()}
        for name, future in futures.items():
            try:
                future.result(timeout=TIMEOUT_SECONDS + 1)
                verdicts[name] = "ok"
            except FutureTimeout:
                verdicts[name] = f"no answer within {TIMEOUT_SECONDS + 1:.0f}s"
            except Exception as error:
                verdicts[name] = f"{type(error).__name__}: {str(error)[:200]}"
    return verdicts


def overall(verdicts: dict[str, str]) -> str:
    """ "unavailable" when a required service failed, "degraded" when another did, "ok" otherwise."""
    failed = {name for name, verdict in verdicts.items() if verdict != "ok"}
    if failed & REQUIRED:
        return "unavailable"
    return "degraded" if failed else "ok"
