"""Background tasks of the site shell. They call the relay; they hold no rules of their own."""

from celery import shared_task

from shop import relay


@shared_task(ignore_result=True)
def relay_events() -> int:
    """Publish the outbox to Kafka; what Kafka does not acknowledge waits for the next run."""
    return relay.relay_all().published
