"""Background tasks of accounts. They send what the services wrote; they hold no rules of their own."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_account_mail(subject: str, body: str, to: str) -> None:
    """A mail server that is slow or down costs the worker retries, not the person signing up a wait."""
    send_mail(subject, body, None, [to])
