"""Cluster drills: the events pipeline on three Kafka brokers (KRaft) and a two-consumer group.

A relay (`relay_events --follow`) and two consumers (`consume_events --follow`, one
group) run as processes of their own against the cluster topology (`make cluster`),
writing to the replicated, sharded ClickHouse, while the test keeps appending events
to the outbox. The drills kill a broker and a consumer mid-stream: every event
reaches the warehouse exactly once. They stop only the cluster's own nodes.
"""

import collections
import re
import time

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from shop import events, kafka
from shop.models import OutboxEvent
from shop.testing import Process, cluster, server_environment

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def _environment(settings) -> dict:
    """The relay's and the consumers' settings: the test database, the cluster's Kafka and ClickHouse."""
    return server_environment(
        KAFKA_BOOTSTRAP_SERVERS=settings.KAFKA_BOOTSTRAP_SERVERS,
        KAFKA_EVENTS_TOPIC=settings.KAFKA_EVENTS_TOPIC,
        KAFKA_PARTITIONS=str(settings.KAFKA_PARTITIONS),
        KAFKA_REPLICATION_FACTOR=str(settings.KAFKA_REPLICATION_FACTOR),
        KAFKA_MIN_INSYNC_REPLICAS=str(settings.KAFKA_MIN_INSYNC_REPLICAS),
        EVENTS_CONSUMER_GROUP=settings.EVENTS_CONSUMER_GROUP,
        CLICKHOUSE_URL=settings.CLICKHOUSE_URL,
        CLICKHOUSE_CLUSTER=settings.CLICKHOUSE_CLUSTER,
    )


class Shoppers:
    """Appends search events to the outbox, keyed by sixty visitors' sessions (all six partitions)."""

    def __init__(self):
        self.written = 0

    def search(self, count: int) -> None:
        for n in range(self.written, self.written + count):
            events.record("search_performed", session_key=f"visitor-{n % 60}", q=f"drill {n}", type="products")
        self.written += count


def stored(store) -> dict[str, int]:
    """Rows in raw_events: all copies, distinct event ids, and what a FINAL read counts."""
    rows = store.query(
        "SELECT count() AS copies, uniqExact(event_id) AS events FROM raw_events WHERE type = 'search_performed'"
    )[0]
    final = store.query("SELECT count() AS n FROM raw_events FINAL WHERE type = 'search_performed'")[0]["n"]
    return {"copies": int(rows["copies"]), "events": int(rows["events"]), "final": int(final)}


def wait_until(condition, seconds: float, what: str, step: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what}: not within {seconds:.0f} s")


def partitions(settings) -> dict[int, tuple[int, tuple[int, ...]]]:
    """partition → (leader broker, in-sync replicas)."""
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    topic = admin.list_topics(settings.KAFKA_EVENTS_TOPIC, timeout=10).topics[settings.KAFKA_EVENTS_TOPIC]
    return {number: (meta.leader, tuple(sorted(meta.isrs))) for number, meta in topic.partitions.items()}


def led_without(settings, broker: int) -> dict | None:
    """The partitions, once every one of them has a leader other than `broker`."""
    now = partitions(settings)
    return now if all(leader not in (broker, -1) for leader, _ in now.values()) else None


def assignment(settings) -> list[int]:
    """How many partitions each member of the consumer group holds (none while the group forms or moves)."""
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    group = admin.describe_consumer_groups([settings.EVENTS_CONSUMER_GROUP])[settings.EVENTS_CONSUMER_GROUP]
    try:
        members = group.result(timeout=10).members
    except KafkaException:
        return []
    return sorted(len(member.assignment.topic_partitions) for member in members)


def _topic_config(settings) -> dict[str, str]:
    from confluent_kafka.admin import ConfigResource

    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    resource = ConfigResource(ConfigResource.Type.TOPIC, settings.KAFKA_EVENTS_TOPIC)
    entries = admin.describe_configs([resource])[resource].result(timeout=10)
    return {name: entry.value for name, entry in entries.items()}


def stored_by(output: str) -> int:
    return sum(int(number) for number in re.findall(r"stored (\d+)", output))


@pytest.fixture
def pipeline(settings, cluster_kafka_topic, cluster_warehouse):
    """The relay and two consumers, running; yields them and the shoppers' event writer."""
    env = _environment(settings)
    relay = Process(env, "relay_events", "--follow", "--interval", "0.2")
    consumers = [Process(env, "consume_events", "--follow") for _ in range(2)]
    running = {"relay": relay, "consumers": consumers, "shoppers": Shoppers(), "outputs": {}}
    yield running
    for name, process in [("relay", relay), ("consumer 1", consumers[0]), ("consumer 2", consumers[1])]:
        running["outputs"][name] = process.stop()


def test_two_consumers_in_one_group_split_the_partitions(pipeline, settings, cluster_warehouse):
    shoppers = pipeline["shoppers"]
    split = wait_until(lambda: assignment(settings) == [3, 3] and assignment(settings), 60, "a 3 + 3 split")
    for _ in range(6):
        shoppers.search(50)
        time.sleep(0.2)
    wait_until(lambda: stored(cluster_warehouse)["events"] >= 300, 90, "300 events stored")
    pipeline["relay"].stop()
    outputs = [process.stop() for process in pipeline["consumers"]]

    assert split == [3, 3]
    topic = partitions(settings)
    assert len(topic) == settings.KAFKA_PARTITIONS >= 6
    assert all(len(isrs) == 3 for _, isrs in topic.values())  # three copies of each, all in sync
    assert _topic_config(settings)["min.insync.replicas"] == "2"
    assert kafka.producer_config()["acks"] == "all"
    assert stored(cluster_warehouse) == {"copies": 300, "events": 300, "final": 300}
    assert all(stored_by(output) > 0 for output in outputs), outputs  # both consumers stored some


def test_killing_the_broker_that_leads_most_partitions_mid_stream_loses_and_doubles_nothing(
    pipeline, settings, cluster_warehouse
):
    shoppers = pipeline["shoppers"]
    shoppers.search(200)
    wait_until(lambda: stored(cluster_warehouse)["events"] >= 200, 90, "the pipeline flowing")
    before = partitions(settings)
    victim = collections.Counter(leader for leader, _ in before.values()).most_common(1)[0][0]
    led_by_victim = sorted(number for number, (leader, _) in before.items() if leader == victim)

    cluster("kill", f"kafka{victim}")
    try:
        for _ in range(10):  # the shop keeps selling while the broker is gone
            shoppers.search(50)
            time.sleep(0.5)
        moved = wait_until(lambda: led_without(settings, victim), 90, "every partition led by a live broker")
        wait_until(lambda: stored(cluster_warehouse)["events"] >= shoppers.written, 120, "events stored meanwhile")
    finally:
        cluster("up", f"kafka{victim}")
    shoppers.search(200)
    caught_up = wait_until(
        lambda: all(victim in isrs for _, isrs in partitions(settings).values()), 120, "the broker back in sync"
    )
    wait_until(lambda: stored(cluster_warehouse)["events"] >= shoppers.written, 120, "every event stored")
    time.sleep(3)  # a late duplicate would land now

    assert shoppers.written == 900
    assert led_by_victim and all(moved[number][0] != victim for number in led_by_victim)
    assert caught_up
    assert stored(cluster_warehouse) == {"copies": 900, "events": 900, "final": 900}
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


def test_killing_one_consumer_hands_its_partitions_to_the_other(pipeline, settings, cluster_warehouse):
    shoppers = pipeline["shoppers"]
    shoppers.search(200)
    wait_until(lambda: assignment(settings) == [3, 3], 60, "a 3 + 3 split")
    wait_until(lambda: stored(cluster_warehouse)["events"] >= 200, 90, "the pipeline flowing")

    shoppers.search(100)
    pipeline["consumers"][0].kill()  # mid-stream: a batch may be stored and not yet committed
    for _ in range(10):
        shoppers.search(30)
        time.sleep(0.3)
    taken_over = wait_until(lambda: assignment(settings) == [6], 60, "the survivor holding all six partitions")
    wait_until(lambda: stored(cluster_warehouse)["events"] >= shoppers.written, 120, "every event stored")
    time.sleep(3)

    assert taken_over
    assert stored(cluster_warehouse) == {"copies": 600, "events": 600, "final": 600}
