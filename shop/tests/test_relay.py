"""The relay publishes the outbox to the real Kafka broker that `make test` starts."""

import json
import os
import time
import uuid

import pytest
from django.core.management import call_command

from shop import events, relay
from shop.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _consume(topic: str, expected: int, seconds: float = 30) -> list:
    from confluent_kafka import Consumer

    consumer = Consumer(
        {
            "bootstrap.servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
            "group.id": f"test-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([topic])
    messages = []
    deadline = time.monotonic() + seconds
    while len(messages) < expected and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            messages.append(message)
    consumer.close()
    return messages


def test_the_relay_publishes_every_event_once_keyed_by_person(kafka_topic, buyer, seller):
    for n in range(3):
        events.record("search_performed", user=buyer, q=f"kettle {n}", type="products", results=n)
    events.record("product_viewed", session_key="abc", product_id=1, seller_id=seller.pk, category_id=1)

    result = relay.relay_all()

    assert (result.published, result.failed) == (4, 0)
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    messages = _consume(kafka_topic, 4)
    bodies = [json.loads(message.value()) for message in messages]
    assert sorted(body["id"] for body in bodies) == sorted(str(e.event_id) for e in OutboxEvent.objects.all())
    by_buyer = [
        body for body, message in zip(bodies, messages, strict=True) if message.key() == f"user:{buyer.pk}".encode()
    ]
    assert [body["payload"]["q"] for body in by_buyer] == ["kettle 0", "kettle 1", "kettle 2"]  # in order
    assert {dict(message.headers())["type"] for message in messages} == {b"search_performed", b"product_viewed"}
    assert relay.relay_all().published == 0  # nothing is sent twice


def test_with_kafka_down_nothing_is_lost_and_all_goes_out_once_it_is_back(kafka_topic, buyer, settings):
    for n in range(5):
        events.record("search_performed", user=buyer, q=f"q{n}", type="products", results=0)
    working = settings.KAFKA_BOOTSTRAP_SERVERS
    settings.KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9"  # nothing listens there
    settings.KAFKA_DELIVERY_TIMEOUT_MS = 1500

    down = relay.relay_all()

    assert (down.published, down.failed) == (0, 5)
    assert OutboxEvent.objects.filter(published_at__isnull=True, attempts=1).count() == 5
    settings.KAFKA_BOOTSTRAP_SERVERS = working
    settings.KAFKA_DELIVERY_TIMEOUT_MS = 10000
    assert relay.relay_all().published == 5
    assert len(_consume(kafka_topic, 5)) == 5


def test_the_command_relays_and_reports(kafka_topic, buyer, capsys):
    events.record("user_signed_up", user=buyer, role="buyer")
    from io import StringIO

    out = StringIO()
    call_command("relay_events", stdout=out)

    assert "published 1, not acknowledged 0, waiting 0" in out.getvalue()


def test_without_kafka_events_stay_in_the_outbox(buyer, settings):
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    events.record("user_signed_up", user=buyer, role="buyer")

    assert relay.relay_all().published == 0
    assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 1
