"""The pipeline's gauges in /metrics: each job's last success, however far back, the data-quality
verdict, runs by status, and the warehouse consumer's lag on the real Kafka broker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import JobRun, PipelineRun
from shop.tests.test_metrics import scrape, value

pytestmark = pytest.mark.django_db


def _job(job: str, status: str, *, hours_ago: float, rows: int = 0) -> JobRun:
    """A run of one job that ended `hours_ago` hours ago after 30 seconds."""
    finished = timezone.now() - timedelta(hours=hours_ago)
    run = PipelineRun.objects.create(kind=PipelineRun.Kind.SYNC, trigger="test", status=status, finished_at=finished)
    record = JobRun.objects.create(run=run, job=job, status=status, finished_at=finished, rows={"orders": rows})
    JobRun.objects.filter(pk=record.pk).update(started_at=finished - timedelta(seconds=30))  # auto_now_add
    return record


def test_a_daily_job_s_last_success_stays_among_many_hourly_runs(client):
    daily = _job("user_recommendations", "succeeded", hours_ago=70, rows=7)
    for hour in range(60):  # more runs since than any fixed window of recent runs would hold
        _job("incremental_sync", "succeeded", hours_ago=hour, rows=100 + hour)

    text = scrape(client)

    assert value(text, "bazaar_etl_last_success_timestamp_seconds", job="user_recommendations") == pytest.approx(
        daily.finished_at.timestamp()
    )
    assert value(text, "bazaar_etl_rows", job="user_recommendations") == 7
    assert value(text, "bazaar_etl_rows", job="incremental_sync") == 100  # the newest run's rows
    assert value(text, "bazaar_etl_duration_seconds", job="incremental_sync") == 30
    assert value(text, "bazaar_pipeline_runs", status="succeeded") == 61


def test_the_data_quality_gauge_says_what_the_last_check_said(client):
    _job("data_quality_check", "succeeded", hours_ago=2)
    assert value(scrape(client), "bazaar_data_quality_ok") == 1

    _job("data_quality_check", "failed", hours_ago=1)
    text = scrape(client)

    assert "bazaar_data_quality_ok 0.0" in text
    assert value(text, "bazaar_pipeline_runs", status="failed") == 1


def test_the_consumer_lag_counts_the_events_not_yet_taken(client, kafka_topic):
    from shop import kafka

    sender = kafka.producer()
    for number in range(3):
        sender.produce(kafka_topic, key=str(number).encode(), value=b"{}")
    assert sender.flush(10) == 0

    assert value(scrape(client), "bazaar_kafka_consumer_lag", topic=kafka_topic) == 3
