"""Business and pipeline metrics for Prometheus, beside django-prometheus's request metrics.

Counters are counted where things happen (a placed order, a failed checkout, a
task that failed). State that lives in the database or a broker (outbox
backlog, search index lag, the last ETL runs, Celery's queue) is read when
Prometheus scrapes, by `ShopStateCollector`, with short timeouts, so every
process reports the same truth and a slow service cannot stall the scrape.

Under gunicorn or Celery's prefork pool, set PROMETHEUS_MULTIPROC_DIR so the
workers' counters add up (see `registry_for_scrape`).
"""

import logging
import os
import time
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

    def collect(self):
        yield from _safely(self._application)
        yield from _safely(self._migrations)
        yield from _safely(self._outbox)
        yield from _safely(self._search_queue)
        yield from _safely(self._pipeline)
        yield from _safely(self._celery_queue)
        yield from _safely(self._consumer_lag)

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
        age.add_metric([], _age(summary["oldest"]))
        return [backlog, age]

    def _search_queue(self):
        from django.db.models import Min

        from catalog.models import SearchQueueEntry

        summary = SearchQueueEntry.objects.aggregate(oldest=Min("queued_at"))
        backlog = GaugeMetricFamily("bazaar_search_queue_backlog", "Search documents waiting to be sent")
        backlog.add_metric([], SearchQueueEntry.objects.count())
        lag = GaugeMetricFamily("bazaar_search_index_lag_seconds", "Age of the oldest unsent search change (0: none)")
        lag.add_metric([], _age(summary["oldest"]))
        return [backlog, lag]

    def _pipeline(self):
        from django.db.models import Count

        from analytics.models import JobRun, PipelineRun

        last_success = GaugeMetricFamily(
            "bazaar_etl_last_success_timestamp_seconds", "When each job last succeeded (Unix time)", labels=["job"]
        )
        rows = GaugeMetricFamily("bazaar_etl_rows", "Rows the job's last successful run wrote", labels=["job"])
        seconds = GaugeMetricFamily(
            "bazaar_etl_duration_seconds", "How long the job's last successful run took", labels=["job"]
        )
        seen = set()
        succeeded = JobRun.objects.filter(status=PipelineRun.Status.SUCCEEDED, finished_at__isnull=False)
        for run in succeeded.order_by("-finished_at")[:50]:
            if run.job in seen:
                continue
            seen.add(run.job)
            last_success.add_metric([run.job], run.finished_at.timestamp())
            rows.add_metric([run.job], sum((run.rows or {}).values()))
            seconds.add_metric([run.job], (run.finished_at - run.started_at).total_seconds())
        quality = GaugeMetricFamily(
            "bazaar_data_quality_ok", "1 when the last data-quality check agreed with the database, 0 when it did not"
        )
        checks = JobRun.objects.filter(job="data_quality_check").exclude(status=PipelineRun.Status.RUNNING)
        last_check = checks.order_by("-started_at", "-id").first()
        if last_check is not None:
            quality.add_metric([], 1 if last_check.status == PipelineRun.Status.SUCCEEDED else 0)
        runs = GaugeMetricFamily("bazaar_pipeline_runs", "Pipeline runs recorded, by status", labels=["status"])
        counted = dict(PipelineRun.objects.values_list("status").annotate(n=Count("id")))
        for status in PipelineRun.Status.values:
            runs.add_metric([status], counted.get(status, 0))
        return [last_success, rows, seconds, quality, runs]

    def _celery_queue(self):
        from django.conf import settings

        if not settings.CELERY_BROKER_URL.startswith("redis"):
            return []
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
        length = GaugeMetricFamily(
            "bazaar_celery_queue_length", "Tasks waiting in the broker, by queue", labels=["queue"]
        )
        length.add_metric(["celery"], client.llen("celery"))
        return [length]

    def _consumer_lag(self):
        from django.conf import settings

        if not settings.KAFKA_BOOTSTRAP_SERVERS:
            return []
        from analytics.consumer import consumer_lag

        lag = GaugeMetricFamily(
            "bazaar_kafka_consumer_lag",
            "Events in Kafka the warehouse consumer has not committed yet",
            labels=["topic"],
        )
        # a new broker's coordinator gets a short wait, not the reading's default: the scrape stays quick
        lag.add_metric([settings.KAFKA_EVENTS_TOPIC], consumer_lag(timeout=1.5, coordinator_wait=2.0))
        return [lag]


def _safely(read):
    """One source failing (Redis down) must not take the other metrics with it."""
    try:
        return read()
    except Exception as error:  # reported in the log; the scrape goes on
        log.warning("metrics: %s failed: %s", read.__name__, error)
        return []


def _age(moment) -> float:
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
