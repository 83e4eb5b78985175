"""Running the Spark jobs: in order, one pipeline at a time, every run recorded.

The hourly chain (Celery beat, `manage.py analytics_run`) is incremental_sync →
data_aggregation → data_quality_check, the seed's data_sync_and_aggregation_dag,
then product_affinity, the rules behind the storefront's recommendations (trained
only when its input changed); the one-time
migration (`manage.py analytics_migrate`) swaps the first step for
historical_migration. A job that fails stops its chain, and its error is kept on
the run. One Spark session, started when a job first needs it, serves the whole chain.
"""

import traceback
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from analytics.models import JobRun, PipelineLock, PipelineRun

SYNC_CHAIN = ("incremental_sync", "data_aggregation", "data_quality_check", "product_affinity")
MIGRATION_CHAIN = ("historical_migration", "data_aggregation", "data_quality_check", "product_affinity")
# Runnable alone (`analytics_run --job`), not chained: ALS, measured but not shown (spark_jobs.user_recommendations).
ON_DEMAND = ("user_recommendations",)
RECOMMENDATION_JOBS = ("product_affinity", "user_recommendations")
LOCK = "analytics"


def job_module(name: str):
    from analytics import outbox_loader
    from spark_jobs import (
        data_aggregation,
        data_quality_check,
        historical_migration,
        incremental_sync,
        product_affinity,
        user_recommendations,
    )

    jobs = (
        outbox_loader,
        historical_migration,
        incremental_sync,
        data_aggregation,
        data_quality_check,
        product_affinity,
        user_recommendations,
    )
    return {module.NAME: module for module in jobs}[name]


def with_events(jobs: Sequence[str]) -> list[str]:
    """A chain that aggregates also loads the outbox first when there is no Kafka to carry events."""
    if settings.KAFKA_BOOTSTRAP_SERVERS or "data_aggregation" not in jobs:
        return list(jobs)
    return ["outbox_to_warehouse", *jobs]


def run_sync(trigger: str, say: Callable[[str], None] = lambda message: None) -> PipelineRun:
    return run_jobs(with_events(SYNC_CHAIN), trigger=trigger, say=say, kind=PipelineRun.Kind.SYNC)


def run_migration(trigger: str, say: Callable[[str], None] = lambda message: None) -> PipelineRun:
    return run_jobs(with_events(MIGRATION_CHAIN), trigger=trigger, say=say, kind=PipelineRun.Kind.MIGRATION)


def run_jobs(
    jobs: Sequence[str],
    *,
    trigger: str,
    say: Callable[[str], None] = lambda message: None,
    kind: str | None = None,
    options: dict | None = None,
) -> PipelineRun:
    """Run `jobs` in order under the pipeline lock; a run that finds the lock taken is recorded as skipped."""
    if kind is None:
        kind = PipelineRun.Kind.MIGRATION if "historical_migration" in jobs else PipelineRun.Kind.SYNC
    run = PipelineRun.objects.create(kind=kind, trigger=trigger)
    if not _acquire(run):
        holder = PipelineLock.objects.filter(name=LOCK).values_list("holder_id", flat=True).first()
        _finish(run, PipelineRun.Status.SKIPPED, gettext("run #%(id)s was still in progress") % {"id": holder})
        say(gettext("skipped: run #%(id)s is still in progress") % {"id": holder})
        return run
    try:
        _run_locked(run, jobs, say, options or {})
    finally:
        PipelineLock.objects.filter(name=LOCK, holder=run).update(holder=None, expires_at=None)
    return run


def _run_locked(run: PipelineRun, jobs: Sequence[str], say: Callable[[str], None], options: dict) -> None:
    from analytics import schema
    from spark_jobs.context import JobContext
    from spark_jobs.session import start_session, stop_session

    context = JobContext(start_spark=start_session, stop_spark=stop_session, say=say, options=options)
    try:
        schema.migrate()
        for job in jobs:
            if not _run_job(run, job, context, say):
                return
    except Exception as error:  # the warehouse is down, ...
        _finish(run, PipelineRun.Status.FAILED, _describe(error))
        say(gettext("failed: %(error)s") % {"error": _describe(error)})
        return
    finally:
        context.close()
    _finish(run, PipelineRun.Status.SUCCEEDED)


def _run_job(run: PipelineRun, job: str, context, say: Callable[[str], None]) -> bool:
    from spark_jobs.context import DataQualityError

    record = JobRun.objects.create(run=run, job=job)
    say(gettext("%(job)s: started") % {"job": job})
    module = job_module(job)
    spark_start = None
    try:
        if getattr(module, "USES_SPARK", False) and context.spark_start_seconds is None:
            context.spark  # noqa: B018 (started before the clock, so a job's time is its own work)
            spark_start = round(context.spark_start_seconds, 1)
            record.started_at = timezone.now()
        result = module.run(context)
    except DataQualityError as error:
        record.details = {"differences": error.differences}
        return _fail(run, record, str(error), say)
    except Exception as error:
        record.details = {"traceback": traceback.format_exc()[-4000:]}
        return _fail(run, record, _describe(error), say)
    record.rows, record.details = result.rows, result.details
    if spark_start is not None:
        record.details = {**record.details, "spark_start_seconds": spark_start}
    _finish(record, PipelineRun.Status.SUCCEEDED)
    seconds = (record.finished_at - record.started_at).total_seconds()
    done = gettext("%(job)s: done in %(seconds).1f s, rows %(rows)d") % {
        "job": job,
        "seconds": seconds,
        "rows": sum(result.rows.values()),
    }
    say(f"{done} {result.rows or ''}".rstrip())
    return True


def _fail(run: PipelineRun, record: JobRun, message: str, say: Callable[[str], None]) -> bool:
    _finish(record, PipelineRun.Status.FAILED, message)
    _finish(run, PipelineRun.Status.FAILED, f"{record.job}: {message}")
    say(gettext("%(job)s: FAILED: %(error)s") % {"job": record.job, "error": message})
    return False


def _finish(record, status: str, error: str = "") -> None:
    record.status, record.error, record.finished_at = status, error, timezone.now()
    extra = ["rows", "details", "started_at"] if isinstance(record, JobRun) else []
    record.save(update_fields=["status", "error", "finished_at", *extra])


def _acquire(run: PipelineRun) -> bool:
    """Take the lock with one conditional UPDATE: free, or held past its expiry by a dead run."""
    now = timezone.now()
    PipelineLock.objects.get_or_create(name=LOCK)
    taken = (
        PipelineLock.objects.filter(name=LOCK)
        .filter(Q(holder__isnull=True) | Q(expires_at__lt=now))
        .update(holder=run, expires_at=now + timedelta(seconds=settings.ANALYTICS_LOCK_SECONDS))
    )
    return taken == 1


def _describe(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:2000]
