"""The Celery app. With no broker configured, tasks run eagerly in the calling process."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bazaar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_failure.connect
def count_task_failure(sender=None, **kwargs) -> None:
    """Failed tasks by name, for the worker's /metrics (bazaar_celery_task_failures_total)."""
    from shop import metrics

    metrics.TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


@signals.worker_ready.connect
def serve_worker_metrics(**kwargs) -> None:
    """The worker's own /metrics on CELERY_METRICS_PORT (Prometheus scrapes it; 0 turns it off)."""
    port = int(os.environ.get("CELERY_METRICS_PORT", "9808"))
    if port:
        from shop.metrics import serve_metrics

        serve_metrics(port)
