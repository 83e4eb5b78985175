"""Business and pipeline metrics for Prometheus, beside django-prometheus's request metrics.

Counters are counted where things happen (a placed order, a failed checkout, a
task that failed). State that lives in the database or a broker (outbox
backlog, Celery's queues; and what the apps add: search index lag, the last ETL
runs, the consumer's lag) is read when Prometheus scrapes, by `ShopStateCollector`,
with short timeouts, so every process reports the same truth and a slow service
cannot stall the scrape. An app adds the state it owns with `STATE.add(reader)` in
its AppConfig.ready(): this module stays below the apps it reports on.

Under gunicorn or Celery's prefork pool, set PROMETHEUS_MULTIPROC_DIR so the
workers' counters add up (see `registry_for_scrape`).
"""

import logging
import os
import time
from collections.abc import Callable
from decimal import Decimal

from prometheus_client import REGISTRY, CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

APP_VERSION = os.environ.get("APP_VERSION", "dev")
STARTED_AT = time.time()

CHECKOUTS = Counter("bazaar_checkouts", "Orders placed")
ORDERS_PLACED = Counter(
    "bazaar_orders_placed", "Orders placed, once per category among their lines' products", ["category"]
)
REVENUE = Counter("bazaar_revenue", "Revenue of placed orders in the shop's currency, by category", ["category"])
CART_ADDITIONS = Counter("bazaar_cart_additions", "Products added to carts (quantity)")
CHECKOUT_FAILURES = Counter("bazaar_checkout_failures", "Checkouts refused, by reason", ["reason"])
TASK_FAILURES = Counter("bazaar_celery_task_failures", "Celery tasks that raised, by task", ["task"])
EVENTS_RELAYED = Counter("bazaar_events_relayed", "Outbox events delivered to Kafka")
EVENTS_CONSUMED = Counter("bazaar_events_consumed", "Events stored in the warehouse by the consumer")


def order_placed(order, lines: list, categories: dict[int, str]) -> None:
    """Count an order, once per category it touched too, and its revenue per category."""
    CHECKOUTS.inc()
    by_category: dict[str, Decimal] = {}
    for line in lines:
        name = categories.get(line.product_id, "unknown")
        by_category[name] = by_category.get(name, Decimal("0")) + line.line_total
    for name, amount in by_category.items():
        ORDERS_PLACED.labels(category=name).inc()
        REVENUE.labels(category=name).inc(float(amount))


def checkout_failed(reason: str) -> None:
    CHECKOUT_FAILURES.labels(reason=reason).inc()


class ShopStateCollector:
    """Gauges read at scrape time from the database (and the broker, when there is one)."""

    def __init__(self):
        self.readers: list[Callable[[], list]] = [
            self._application,
            self._migrations,
            self._outbox,
            self._celery_queues,
        ]

    def add(self, reader: Callable[[], list]) -> None:
        """`reader()` returns metric families; it runs at each scrape, after the shop's own."""
        if reader not in self.readers:
            self.readers.append(reader)

    def collect(self):
        for reader in self.readers:
            yield from _safely(reader)

    def _application(self):
        import platform

        import django

        info = GaugeMetricFamily(
            "bazaar_app_info", "Always 1: the versions this process runs", labels=["version", "django", "python"]
        )
        info.add_metric([APP_VERSION, django.get_version(), platform.python_version()], 1)
        started = GaugeMetricFamily("bazaar_app_start_time_seconds", "When this process started (Unix time)")
        started.add_metric([], STARTED_AT)
        return [info, started]

    def _migrations(self):
        """Applied and unapplied migrations (what django-prometheus exports at start-up, read at
        scrape time instead, so no command queries the database while apps load)."""
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor

        global _migrations_cache
        if _migrations_cache is None or time.monotonic() - _migrations_cache[0] > 60:
            executor = MigrationExecutor(connections["default"])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            _migrations_cache = (time.monotonic(), len(executor.loader.applied_migrations), len(plan))
        _, applied, unapplied = _migrations_cache
        done = GaugeMetricFamily("bazaar_migrations_applied", "Database migrations applied")
        done.add_metric([], applied)
        waiting = GaugeMetricFamily("bazaar_migrations_unapplied", "Database migrations not applied yet")
        waiting.add_metric([], unapplied)
        return [done, waiting]

    def _outbox(self):
        from django.db.models import Min

        from shop.models import OutboxEvent

        pending = OutboxEvent.objects.filter(published_at__isnull=True)
        summary = pending.aggregate(oldest=Min("occurred_at"))
        backlog = GaugeMetricFamily("bazaar_outbox_backlog", "Domain events not yet published to Kafka")
        backlog.add_metric([], pending.count())
        age = GaugeMetricFamily("bazaar_outbox_oldest_age_seconds", "Age of the oldest unpublished event (0: none)")
        age.add_metric([], age_of(summary["oldest"]))
        return [backlog, age]

    def _celery_queues(self):
        """Tasks waiting in each queue a worker serves: the default one, and the analytics chain's
        own when ANALYTICS_QUEUE routes it there (a backlog there is runs waiting for Spark)."""
        from django.conf import settings

        if not settings.CELERY_BROKER_URL.startswith("redis"):
            return []
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
        length = GaugeMetricFamily(
            "bazaar_celery_queue_length", "Tasks waiting in the broker, by queue", labels=["queue"]
        )
        for queue in celery_queues():
            length.add_metric([queue], client.llen(queue))
        return [length]


def celery_queues() -> list[str]:
    """The queues this deployment's workers serve, the default first."""
    from django.conf import settings

    default = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    routes = settings.CELERY_TASK_ROUTES
    routed = set()
    for route in routes.values() if isinstance(routes, dict) else ():  # routers (a list) name no queue here
        queue = route.get("queue") if isinstance(route, dict) else route  # {"queue": name}, or the name
        if isinstance(queue, str) and queue:
            routed.add(queue)
    return [default, *sorted(routed - {default})]


def _safely(read):
    """One source failing (Redis down) must not take the other metrics with it."""
    try:
        return read()
    except Exception as error:  # reported in the log; the scrape goes on
        log.warning("metrics: %s failed: %s", read.__name__, error)
        return []


def age_of(moment) -> float:
    """Seconds since `moment` (0 for none): the age of a backlog's oldest entry."""
    return max(0.0, time.time() - moment.timestamp()) if moment else 0.0


_migrations_cache: tuple[float, int, int] | None = None
STATE = ShopStateCollector()
_state_registered = False


def registry_for_scrape(*, with_state: bool = True) -> CollectorRegistry:
    """This process's metrics, or every worker's when PROMETHEUS_MULTIPROC_DIR is set.

    `with_state` adds the gauges read from the database: the web app serves them;
    the worker, relay and consumer serve only what they count themselves.
    """
    global _state_registered
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        if with_state:
            registry.register(STATE)
        return registry
    if with_state and not _state_registered:
        REGISTRY.register(STATE)
        _state_registered = True
    return REGISTRY


def serve_metrics(port: int) -> None:
    """A long-running process's own /metrics (the worker's, the relay's, the consumer's), for Prometheus,
    on METRICS_BIND_ADDRESS (loopback unless a container network needs 0.0.0.0)."""
    from django.conf import settings
    from prometheus_client import start_http_server

    start_http_server(port, addr=settings.METRICS_BIND_ADDRESS, registry=registry_for_scrape(with_state=False))


def may_scrape(request) -> bool:
    """With the token, or from an allowed network: the client's address as the trusted proxies
    resolve it (shop.client_address), so a proxy on the same host does not make everyone loopback."""
    import hmac
    import ipaddress

    from django.conf import settings

    from shop.client_address import client_address

    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip(), token):
        return True
    try:
        client = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)
