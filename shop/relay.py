"""The outbox relay: publishes unsent events to Kafka, in order, and marks what Kafka acknowledged.

A row is marked sent only after its delivery report says Kafka has it, so a
broker that is down loses nothing: the rows wait and go out on a later run. A
crash between delivery and marking can send an event twice; consumers
de-duplicate by event id, which makes the result exactly-once.
"""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop import kafka, metrics
from shop.models import OutboxEvent

logger = logging.getLogger(__name__)


@dataclass
class RelayResult:
    published: int = 0
    failed: int = 0


def relay_batch(producer=None, *, batch_size: int = 1000, topic: str | None = None) -> RelayResult:
    """Publish up to `batch_size` unsent events. Safe to run in several processes at once."""
    if not kafka.is_configured():
        return RelayResult()
    topic = topic or settings.KAFKA_EVENTS_TOPIC
    producer = producer or kafka.producer()
    delivered: list[int] = []
    failed: list[int] = []

    def report(error, message, position: int) -> None:
        (failed if error else delivered).append(position)
        if error:
            logger.warning("event %s not delivered: %s", position, error)

    with transaction.atomic():
        events = claim_unpublished(batch_size)
        if not events:
            return RelayResult()
        for event in events:
            producer.produce(
                topic,
                key=event.key.encode(),
                value=json.dumps(event.message(), separators=(",", ":")).encode(),
                headers={"type": event.type, "version": str(event.version)},
                on_delivery=lambda error, message, position=event.position: report(error, message, position),
            )
            producer.poll(0)
        producer.flush(settings.KAFKA_DELIVERY_TIMEOUT_MS / 1000 + 5)
        if delivered:
            OutboxEvent.objects.filter(position__in=delivered).update(published_at=timezone.now())
            metrics.EVENTS_RELAYED.inc(len(delivered))
        undelivered = [event.position for event in events if event.position not in set(delivered)]
        if undelivered:
            OutboxEvent.objects.filter(position__in=undelivered).update(attempts=F("attempts") + 1)
    return RelayResult(published=len(delivered), failed=len(undelivered))


def claim_unpublished(batch_size: int) -> list[OutboxEvent]:
    """The oldest unpublished events, locked for this transaction; rows another relay holds are
    skipped, so two relays never send the same batch."""
    return list(
        OutboxEvent.objects.select_for_update(skip_locked=True)
        .filter(published_at__isnull=True)
        .order_by("position")[:batch_size]
    )


def relay_all(*, batch_size: int = 1000) -> RelayResult:
    """Publish until the outbox is empty or Kafka stops acknowledging."""
    total = RelayResult()
    producer = kafka.producer() if kafka.is_configured() else None
    while True:
        result = relay_batch(producer, batch_size=batch_size)
        total.published += result.published
        total.failed += result.failed
        if result.failed or result.published < batch_size:
            return total
