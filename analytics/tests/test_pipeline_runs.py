"""Pipeline runs never overlap, are recorded, and can be started from the back-office or by beat."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics import pipeline
from analytics.models import JobRun, PipelineLock, PipelineRun

pytestmark = pytest.mark.django_db


def _held_by_a_run(expires_in: timedelta) -> PipelineRun:
    holder = PipelineRun.objects.create(kind="sync", trigger="beat")
    PipelineLock.objects.update_or_create(
        name=pipeline.LOCK, defaults={"holder": holder, "expires_at": timezone.now() + expires_in}
    )
    return holder


def test_a_run_that_finds_another_in_progress_is_skipped_and_recorded(warehouse):
    holder = _held_by_a_run(timedelta(hours=1))

    run = pipeline.run_jobs(["data_aggregation"], trigger="command")

    assert run.status == PipelineRun.Status.SKIPPED
    assert f"run #{holder.pk} was still in progress" in run.error
    assert not JobRun.objects.filter(run=run).exists()
    assert PipelineLock.objects.get(name=pipeline.LOCK).holder == holder


def test_a_lock_left_by_a_dead_run_is_taken_over_after_it_expires(warehouse):
    _held_by_a_run(timedelta(seconds=-1))

    run = pipeline.run_jobs(["data_aggregation"], trigger="command")

    assert run.status == PipelineRun.Status.SUCCEEDED
    assert JobRun.objects.get(run=run).status == PipelineRun.Status.SUCCEEDED
    assert PipelineLock.objects.get(name=pipeline.LOCK).holder is None  # released


def test_a_failing_job_stops_the_chain_and_keeps_its_error(warehouse, settings):
    settings.SPARK_JARS_DIR = settings.BASE_DIR / "no-such-folder"

    run = pipeline.run_sync(trigger="command")

    assert run.status == PipelineRun.Status.FAILED
    jobs = list(JobRun.objects.filter(run=run))
    assert [(job.job, job.status) for job in jobs] == [
        ("outbox_to_warehouse", "succeeded"),
        ("incremental_sync", "failed"),
    ]
    assert "scripts/stack spark" in jobs[1].error
    assert PipelineLock.objects.get(name=pipeline.LOCK).holder is None


def test_the_hourly_chain_is_scheduled_in_the_database_for_beat():
    """The data migration writes the schedule. A transactional test that ran earlier in this worker
    may have flushed its rows, so the migration's step runs again here (it is idempotent: run on a
    database that has the row, it adds nothing)."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    migration = import_module("analytics.migrations.0002_hourly_schedule")
    state = MigrationExecutor(connection).loader.project_state(("analytics", "0002_hourly_schedule"))
    migration.schedule(state.apps, None)

    task = PeriodicTask.objects.get(task="analytics.tasks.run_sync_chain")

    assert task.enabled and task.crontab.minute == "5" and task.crontab.hour == "*"
    assert "analytics.tasks.run_sync_chain" in app.tasks


def test_staff_start_the_chain_from_the_back_office(client, staff, warehouse, spark):
    client.force_login(staff)

    page = client.get("/admin/analytics/pipelinerun/")
    response = client.post("/admin/analytics/pipelinerun/run-sync/")

    assert b"Run the sync chain now" in page.content
    assert response.status_code == 302
    run = PipelineRun.objects.get(trigger="admin")
    assert run.status == PipelineRun.Status.SUCCEEDED
    assert [job.job for job in run.jobs.all()] == ["outbox_to_warehouse", *pipeline.SYNC_CHAIN]  # no Kafka here
    assert client.get(f"/admin/analytics/pipelinerun/{run.pk}/change/").status_code == 200


def test_sellers_see_neither_runs_nor_the_buttons(client, seller):
    client.force_login(seller)

    assert client.get("/admin/analytics/pipelinerun/").status_code == 403
    client.post("/admin/analytics/pipelinerun/run-sync/")
    assert not PipelineRun.objects.exists()
