"""Celery entry points for the pipeline; django-celery-beat schedules the hourly one."""

from celery import shared_task

from analytics import pipeline


@shared_task(name="analytics.tasks.run_sync_chain", ignore_result=True)
def run_sync_chain(trigger: str = "beat") -> int:
    return pipeline.run_sync(trigger=trigger).pk


@shared_task(name="analytics.tasks.run_historical_migration", ignore_result=True)
def run_historical_migration(trigger: str = "admin") -> int:
    return pipeline.run_migration(trigger=trigger).pk
