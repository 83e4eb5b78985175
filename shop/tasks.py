"""Background tasks of the site shell: the relay and sending mail. They hold no rules of their own."""

from celery import shared_task
from django.core.mail import send_mail

from shop import relay


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_mail_message(subject: str, body: str, to: str) -> None:
    """One mail to one address (rendered by whoever queued it). A mail server that is slow or down
    costs the worker retries, not the person on the site a wait."""
    send_mail(subject, body, None, [to])


@shared_task(ignore_result=True)
def relay_events() -> int:
    """Publish the outbox to Kafka; what Kafka does not acknowledge waits for the next run."""
    return relay.relay_all().published
