"""The pipeline's state for Prometheus (shop.metrics): each job's last success, the data-quality
verdict, runs by status, and the events the warehouse consumer has not taken from Kafka yet."""

from django.conf import settings
from prometheus_client.core import GaugeMetricFamily


def pipeline_jobs() -> list[GaugeMetricFamily]:
    """Each job's last successful run, however long ago it was (a daily job among hourly ones too)."""
    from django.db.models import Count, F, Window
    from django.db.models.functions import RowNumber

    from analytics.models import JobRun, PipelineRun

    last_success = GaugeMetricFamily(
        "bazaar_etl_last_success_timestamp_seconds", "When each job last succeeded (Unix time)", labels=["job"]
    )
    rows = GaugeMetricFamily("bazaar_etl_rows", "Rows the job's last successful run wrote", labels=["job"])
    seconds = GaugeMetricFamily(
        "bazaar_etl_duration_seconds", "How long the job's last successful run took", labels=["job"]
    )
    newest_first = Window(RowNumber(), partition_by=[F("job")], order_by=[F("finished_at").desc(), F("pk").desc()])
    succeeded = JobRun.objects.filter(status=PipelineRun.Status.SUCCEEDED, finished_at__isnull=False)
    for run in succeeded.annotate(place=newest_first).filter(place=1).order_by("job"):
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


def kafka_consumer_lag() -> list[GaugeMetricFamily]:
    if not settings.KAFKA_BOOTSTRAP_SERVERS:
        return []
    from analytics.consumer import consumer_lag

    lag = GaugeMetricFamily(
        "bazaar_kafka_consumer_lag", "Events in Kafka the warehouse consumer has not committed yet", labels=["topic"]
    )
    # a new broker's coordinator gets a short wait, not the reading's default: the scrape stays quick
    lag.add_metric([settings.KAFKA_EVENTS_TOPIC], consumer_lag(timeout=1.5, coordinator_wait=2.0))
    return [lag]
