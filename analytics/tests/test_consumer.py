"""Events travel outbox → Kafka → ClickHouse, exactly once in the result, on both warehouses."""

import json
import uuid

import pytest
from django.core.management import call_command

from analytics import consumer, schema
from shop import events, relay
from shop.models import OutboxEvent

pytestmark = pytest.mark.django_db


def drain_fresh(group: str | None = None, idle_seconds: float = 2) -> consumer.BatchResult:
    """Drain the topic with a consumer of its own group (from the committed offsets, if any)."""
    reader = consumer.make_consumer(group=group or f"test-{uuid.uuid4().hex}")
    try:
        return consumer.drain(reader, idle_seconds=idle_seconds)
    finally:
        reader.close()


def _stored(store) -> list[dict]:
    return store.query("SELECT toString(event_id) AS id, type, user_id, session, payload FROM raw_events ORDER BY id")


@pytest.fixture
def three_events(buyer):
    events.record("search_performed", user=buyer, q="kettle", type="products", results=2)
    events.record("product_viewed", session_key="guest-1", product_id=7, seller_id=3, category_id=2)
    from decimal import Decimal

    events.record("order_placed", user=buyer, order_id=1, total=Decimal("53.48"), currency="USD", lines=[])
    return list(OutboxEvent.objects.order_by("position"))


def test_events_flow_from_the_outbox_into_raw_events(kafka_topic, warehouse, three_events, buyer):
    relay.relay_all()
    result = drain_fresh()

    assert (result.received, result.stored, result.duplicates) == (3, 3, 0)
    stored = {row["id"]: row for row in _stored(warehouse)}
    assert set(stored) == {str(event.event_id) for event in three_events}
    placed = stored[str(three_events[2].event_id)]
    assert (placed["type"], int(placed["user_id"])) == ("order_placed", buyer.pk)
    assert json.loads(placed["payload"])["total"] == "53.48"
    assert stored[str(three_events[1].event_id)]["session"] == "guest-1"


def test_events_sent_twice_are_stored_once(kafka_topic, warehouse, three_events):
    relay.relay_all()
    OutboxEvent.objects.update(published_at=None)  # as if the relay crashed before marking them
    relay.relay_all()
    reader = consumer.make_consumer(group=f"test-{uuid.uuid4().hex}")
    try:
        result = consumer.drain(reader, idle_seconds=2)
        again = consumer.drain(reader, idle_seconds=1)
    finally:
        reader.close()

    assert (result.received, result.stored, result.duplicates) == (6, 3, 3)
    assert again.received == 0
    assert len(_stored(warehouse)) == 3


def test_offsets_are_committed_only_after_the_insert(kafka_topic, warehouse, three_events, monkeypatch):
    relay.relay_all()
    group = f"test-{uuid.uuid4().hex}"
    reader = consumer.make_consumer(group=group)
    monkeypatch.setattr(type(warehouse), "insert", _failing_insert)
    try:
        with pytest.raises(ConnectionError):
            for _ in range(20):  # until the first batch arrives and its insert fails
                consumer.consume_batch(reader, timeout=1.0)
    finally:
        reader.close()
    monkeypatch.undo()

    result = drain_fresh(group)  # the same group: it resumes from the committed offsets

    assert result.stored == 3
    assert len(_stored(warehouse)) == 3


def _failing_insert(self, table, rows):
    if rows:
        raise ConnectionError("warehouse went away")


def test_malformed_and_hostile_messages_are_skipped(kafka_topic, warehouse, settings):
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    good = {
        "id": str(uuid.uuid4()),
        "type": "user_signed_up",
        "version": 1,
        "occurred_at": "2026-11-28T05:00:00+00:00",
        "user_id": 5,
        "session": None,
        "payload": {"role": "buyer"},
    }
    for value in [
        b"not json",
        json.dumps({**good, "id": "not-a-uuid"}).encode(),
        json.dumps({**good, "id": str(uuid.uuid4()), "type": "x') OR 1=1 --"}).encode(),
        json.dumps(good).encode(),
    ]:
        producer.produce(kafka_topic, value=value)
    producer.flush(10)
    result = drain_fresh()

    assert (result.received, result.stored, result.malformed) == (4, 1, 3)
    assert [row["id"] for row in _stored(warehouse)] == [good["id"]]


def test_the_schema_command_is_idempotent(warehouse, capsys):
    from io import StringIO

    out = StringIO()
    call_command("analytics_schema", stdout=out)

    assert "0 applied" in out.getvalue()
    assert {row["name"] for row in warehouse.query("SELECT name FROM schema_migrations")} == {
        path.name for path in schema.migration_files()
    }


def test_the_consume_command_reports(kafka_topic, warehouse, three_events, settings):
    from io import StringIO

    settings.EVENTS_CONSUMER_GROUP = f"test-{uuid.uuid4().hex}"
    relay.relay_all()
    out = StringIO()

    call_command("consume_events", "--idle", "2", stdout=out)

    assert "received 3, stored 3, duplicates skipped 0, malformed 0" in out.getvalue()
