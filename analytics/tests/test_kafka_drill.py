"""Drill: the Kafka broker stops mid-stream and comes back. Nothing is lost, nothing doubled in ClickHouse.

It stops and starts the project's own broker (scripts/stack), so `make test` runs
drills on their own, after the rest of the suite.
"""

import time
import uuid

import pytest

from analytics import consumer
from shop import events, relay
from shop.models import OutboxEvent
from shop.testing import port_answers, stack

pytestmark = [pytest.mark.drill, pytest.mark.django_db]


@pytest.mark.parametrize("warehouse", ["clickhouse-server"], indirect=True)
def test_kafka_down_mid_stream_loses_nothing_and_doubles_nothing(kafka_topic, warehouse, buyer, settings):
    port = int(settings.KAFKA_BOOTSTRAP_SERVERS.rsplit(":", 1)[1])
    for n in range(5):
        events.record("search_performed", user=buyer, q=f"before {n}", type="products", results=n)
    assert relay.relay_all().published == 5

    stack("down", "kafka")
    deadline = time.monotonic() + 60
    while port_answers(port) and time.monotonic() < deadline:
        time.sleep(0.5)
    try:
        assert not port_answers(port), "the broker did not stop"
        for n in range(5):
            events.record("search_performed", user=buyer, q=f"during {n}", type="products", results=n)
        settings.KAFKA_DELIVERY_TIMEOUT_MS = 2000
        down = relay.relay_all()
        assert (down.published, down.failed) == (0, 5)
    finally:
        stack("up", "kafka")
    settings.KAFKA_DELIVERY_TIMEOUT_MS = 10000

    deadline = time.monotonic() + 60
    delivered = 0
    while delivered < 5 and time.monotonic() < deadline:  # the broker may need a moment to lead again
        delivered += relay.relay_all().published
    assert delivered == 5
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    reader = consumer.make_consumer(group=f"drill-{uuid.uuid4().hex}")
    try:
        result = consumer.drain(reader, idle_seconds=3)
    finally:
        reader.close()

    # visitParamExtractString: the JSON function that ClickHouse 18.16 and current versions share
    stored = warehouse.query("SELECT visitParamExtractString(payload, 'q') AS q FROM raw_events")
    expected = [f"before {n}" for n in range(5)] + [f"during {n}" for n in range(5)]
    assert sorted(row["q"] for row in stored) == sorted(expected)
    assert result.duplicates == 0
