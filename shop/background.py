"""Handing work to the Celery worker without losing it when the broker is away."""

from kombu.exceptions import OperationalError as BrokerUnavailable


def run_soon(task, *args) -> None:
    """Queue `task` for a worker; when the broker does not answer, run it here and now rather than lose it
    (with no broker configured, Celery runs it here anyway)."""
    try:
        task.delay(*args)
    except BrokerUnavailable:
        task(*args)
