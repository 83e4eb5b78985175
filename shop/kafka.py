"""Kafka, behind one setting: KAFKA_BOOTSTRAP_SERVERS. Empty: events stay in the outbox."""

from django.conf import settings


def is_configured() -> bool:
    return bool(settings.KAFKA_BOOTSTRAP_SERVERS)


def producer_config() -> dict:
    """Idempotent, acks from all replicas: a retried send is never written twice."""
    return {
        "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 20,
        "compression.type": "lz4",
        "message.timeout.ms": settings.KAFKA_DELIVERY_TIMEOUT_MS,
        "socket.connection.setup.timeout.ms": 5000,
    }


def producer():
    from confluent_kafka import Producer

    return Producer(producer_config())


def ensure_topic(topic: str | None = None, partitions: int | None = None) -> None:
    """Create the events topic if it is missing: KAFKA_PARTITIONS partitions, each on
    KAFKA_REPLICATION_FACTOR brokers, writes acknowledged by KAFKA_MIN_INSYNC_REPLICAS of them."""
    from confluent_kafka.admin import AdminClient, NewTopic

    topic = topic or settings.KAFKA_EVENTS_TOPIC
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    if topic in admin.list_topics(timeout=10).topics:
        return
    new = NewTopic(
        topic,
        partitions or settings.KAFKA_PARTITIONS,
        settings.KAFKA_REPLICATION_FACTOR,
        config={"min.insync.replicas": str(settings.KAFKA_MIN_INSYNC_REPLICAS)},
    )
    futures = admin.create_topics([new])
    for future in futures.values():
        try:
            future.result(15)
        except Exception as error:
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise
