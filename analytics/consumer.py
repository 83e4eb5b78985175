"""Kafka → ClickHouse: domain events into `raw_events`, exactly once in the result.

Delivery is at-least-once (the relay may send an event twice, a crash may
re-read a batch), so each batch skips the event ids already stored, and offsets
are committed only after the insert: a batch is either stored and committed, or
read again.
"""

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from analytics.warehouse import warehouse
from shop import metrics

logger = logging.getLogger(__name__)


@dataclass
class BatchResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    malformed: int = 0


def consumer_config(group: str | None = None) -> dict:
    return {
        "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
        "group.id": group or settings.EVENTS_CONSUMER_GROUP,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 10000,
    }


def make_consumer(group: str | None = None, topic: str | None = None):
    from confluent_kafka import Consumer

    consumer = Consumer(consumer_config(group))
    consumer.subscribe([topic or settings.KAFKA_EVENTS_TOPIC])
    return consumer


EVENT_TYPE = re.compile(r"[a-z_]{1,64}")


def _row(message: dict) -> dict:
    """A table row from a message; refuses anything that is not a well-formed event."""
    event_id = str(uuid.UUID(str(message["id"])))
    if not EVENT_TYPE.fullmatch(str(message["type"])):
        raise ValueError(f"not an event type: {message['type']!r}")
    occurred = datetime.fromisoformat(message["occurred_at"]).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return {
        "event_id": event_id,
        "type": message["type"],
        "version": int(message["version"]),
        "occurred_at": occurred,
        "user_id": int(message.get("user_id") or 0),
        "session": message.get("session") or "",
        "payload": json.dumps(message.get("payload") or {}, separators=(",", ":")),
        "received_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    }


def _stored_ids(rows: list[dict]) -> set[str]:
    """Which of these events are in the warehouse already (narrowed by type and time, the table's key)."""
    types = ", ".join(sorted({f"'{row['type']}'" for row in rows}))
    ids = ", ".join(f"'{row['event_id']}'" for row in rows)
    earliest = min(row["occurred_at"] for row in rows).strftime("%Y-%m-%d %H:%M:%S")
    latest = max(row["occurred_at"] for row in rows).strftime("%Y-%m-%d %H:%M:%S")
    # Safe to inline: `_row` admitted only UUIDs, [a-z_] types and formatted datetimes.
    sql = (
        f"SELECT toString(event_id) AS id FROM raw_events WHERE type IN ({types}) "  # noqa: S608
        f"AND occurred_at BETWEEN toDateTime('{earliest}') AND toDateTime('{latest}') "
        f"AND toString(event_id) IN ({ids})"
    )
    found = warehouse().query(sql)
    return {row["id"] for row in found}


def consume_batch(consumer, *, max_messages: int = 1000, timeout: float = 1.0) -> BatchResult:
    messages = [m for m in consumer.consume(num_messages=max_messages, timeout=timeout) if m.error() is None]
    result = BatchResult(received=len(messages))
    if not messages:
        return result
    rows: dict[str, dict] = {}
    for message in messages:
        try:
            row = _row(json.loads(message.value()))
            rows.setdefault(row["event_id"], row)
        except (ValueError, KeyError, TypeError) as error:
            result.malformed += 1
            logger.warning(
                "skipping a malformed event at %s[%s]@%s: %s",
                message.topic(),
                message.partition(),
                message.offset(),
                error,
            )
    already = _stored_ids(list(rows.values())) if rows else set()
    new = [row for event_id, row in rows.items() if event_id not in already]
    warehouse().insert("raw_events", new)
    consumer.commit(asynchronous=False)  # only now: the batch is stored
    result.stored = len(new)
    metrics.EVENTS_CONSUMED.inc(len(new))
    result.duplicates = len(messages) - result.malformed - len(new)
    return result


def drain(consumer, *, idle_seconds: float = 3.0, max_messages: int = 1000, join_seconds: float = 60.0) -> BatchResult:
    """Consume until nothing arrives for `idle_seconds` once partitions are assigned.

    Joining the group can take seconds (on a new broker it first creates the offsets
    topic); quiet time before the assignment does not count as idle.
    """
    total = BatchResult()
    idle = 0.0
    deadline = time.monotonic() + join_seconds
    while idle < idle_seconds:
        result = consume_batch(consumer, max_messages=max_messages, timeout=1.0)
        if result.received:
            idle = 0.0
            for name in ("received", "stored", "duplicates", "malformed"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
        elif consumer.assignment() or time.monotonic() > deadline:
            idle += 1.0
    return total


def consumer_lag(timeout: float = 2.0, coordinator_wait: float = 5.0) -> int:
    """Events on the topic that the warehouse consumer group has not committed yet (all partitions)."""
    from confluent_kafka import Consumer, TopicPartition

    reader = Consumer({**consumer_config(), "enable.auto.commit": False})
    try:
        topic = settings.KAFKA_EVENTS_TOPIC
        metadata = reader.list_topics(topic, timeout=timeout)
        partitions = [TopicPartition(topic, number) for number in metadata.topics[topic].partitions]
        lag = 0
        for committed in _committed_offsets(reader, partitions, wait=coordinator_wait):
            low, high = reader.get_watermark_offsets(committed, timeout=timeout)
            position = committed.offset if committed.offset >= 0 else low
            lag += max(0, high - position)
        return lag
    finally:
        reader.close()


# What a broker answers while the group's coordinator is being chosen or loading its offsets (a
# new broker creates `__consumer_offsets` on the first group request): asking again is the answer.
COORDINATOR_NOT_READY = {"NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE"}


def _committed_offsets(reader, partitions, *, wait: float):
    """The group's committed offsets, asking again for up to `wait` seconds while its coordinator
    is not ready; any other error, or one still there at the end, is raised."""
    from confluent_kafka import KafkaException

    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        try:
            return reader.committed(partitions, timeout=max(0.5, left))
        except KafkaException as failure:
            if failure.args[0].name() not in COORDINATOR_NOT_READY or left <= 0:
                raise
            time.sleep(min(0.25, max(0.0, left)))
