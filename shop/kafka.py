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


def ensure_topic(topic: str | None = None, partitions: int = 3) -> None:
    """Create the events topic if it is missing (replication factor 1 here; more on a cluster)."""
    from confluent_kafka.admin import AdminClient, NewTopic

    topic = topic or settings.KAFKA_EVENTS_TOPIC
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    if topic in admin.list_topics(timeout=10).topics:
        return
    futures = admin.create_topics([NewTopic(topic, partitions, settings.KAFKA_REPLICATION_FACTOR)])
    for future in futures.values():
        try:
            future.result(15)
        except Exception as error:
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise
