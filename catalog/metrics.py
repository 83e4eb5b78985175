"""The catalogue's state for Prometheus: search changes not yet sent to the engine (shop.metrics)."""

from prometheus_client.core import GaugeMetricFamily

from shop.metrics import age_of


def search_queue() -> list[GaugeMetricFamily]:
    from django.db.models import Count, Min

    from catalog.models import SearchQueueEntry

    summary = SearchQueueEntry.objects.aggregate(count=Count("pk"), oldest=Min("queued_at"))
    backlog = GaugeMetricFamily("bazaar_search_queue_backlog", "Search documents waiting to be sent")
    backlog.add_metric([], summary["count"])
    lag = GaugeMetricFamily("bazaar_search_index_lag_seconds", "Age of the oldest unsent search change (0: none)")
    lag.add_metric([], age_of(summary["oldest"]))
    return [backlog, lag]
