"""With no Kafka configured (the embedded default), events go from the outbox straight to the warehouse.

The pipeline runs this first when KAFKA_BOOTSTRAP_SERVERS is empty, so `make run`
on a bare machine still has views, cart additions and searches in its funnel.
Events are checked and de-duplicated exactly as the Kafka consumer does it; an
event counts as published once it is in raw_events, so configuring Kafka later
sends only what came after.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from analytics import consumer
from analytics.warehouse import warehouse
from shop.models import OutboxEvent
from shop.relay import claim_unpublished
from spark_jobs.context import JobContext, JobResult

NAME = "outbox_to_warehouse"
BATCH = 5000


def run(context: JobContext) -> JobResult:
    stored = skipped = 0
    while True:
        with transaction.atomic():
            events = claim_unpublished(BATCH)
            if not events:
                break
            rows = {}
            for event in events:
                try:
                    row = consumer._row(event.message())
                except (ValueError, KeyError, TypeError):
                    skipped += 1
                    continue
                rows.setdefault(row["event_id"], row)
            already = consumer._stored_ids(list(rows.values())) if rows else set()
            new = [row for event_id, row in rows.items() if event_id not in already]
            warehouse().insert("raw_events", new)
            OutboxEvent.objects.filter(position__in=[event.position for event in events]).update(
                published_at=timezone.now()
            )
            stored += len(new)
    context.say(gettext("raw_events: %(count)d events from the outbox") % {"count": stored})
    return JobResult(rows={"raw_events": stored}, details={"skipped_malformed": skipped})
