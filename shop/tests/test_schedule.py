"""Every periodic task Celery beat is told to run exists (a typo there fails silently in production)."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, (name, entry["task"])
    assert {"catalog.tasks.process_search_queue", "shop.tasks.relay_events"} <= set(app.tasks)
