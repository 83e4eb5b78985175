"""`manage.py kafka_check`: the seed's tests/kafka_test.py, as a command.

Five JSON messages (`id`, `text`, `timestamp`) go to `test-topic` (or --topic); a consumer
reads them back within 30 seconds. Each delivery and each message read is printed, then a
verdict; the exit code is 0 only when all five came back.
"""

import json
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop import kafka


class Command(BaseCommand):
    help = gettext_lazy(
        "Check Kafka end to end: produce five JSON messages to test-topic and read them back within 30 s."
    )

    def add_arguments(self, parser):
        parser.add_argument("--topic", default="test-topic", help=gettext_lazy("the topic to write to and read from"))
        parser.add_argument("--count", type=int, default=5, help=gettext_lazy("how many messages to send"))
        parser.add_argument(
            "--timeout", type=float, default=30.0, help=gettext_lazy("seconds to wait for the messages")
        )

    def handle(self, *args, topic: str, count: int, timeout: float, **options):
        from confluent_kafka import Consumer, KafkaException, Producer

        if not kafka.is_configured():
            raise CommandError(_("KAFKA_BOOTSTRAP_SERVERS is not set: there is no Kafka to check."))
        servers = settings.KAFKA_BOOTSTRAP_SERVERS
        run = uuid.uuid4().hex[:8]  # this run's messages, whatever else the topic holds
        self.stdout.write(_("Kafka at %(servers)s, topic %(topic)s") % {"servers": servers, "topic": topic})
        try:
            kafka.ensure_topic(topic, partitions=1)
        except KafkaException as error:
            raise CommandError(
                _("FAILED: Kafka at %(servers)s did not answer (%(error)s).") % {"servers": servers, "error": error}
            ) from error

        delivered: list[str] = []

        def report(error, message):
            if error is not None:
                self.stdout.write(self.style.ERROR("  " + _("not delivered: %(error)s") % {"error": error}))
            else:
                delivered.append(message.key().decode())
                self.stdout.write(
                    "  "
                    + _("delivered #%(key)s to partition %(partition)s")
                    % {"key": message.key().decode(), "partition": message.partition()}
                )

        producer = Producer({"bootstrap.servers": servers, "message.timeout.ms": int(timeout * 1000)})
        sent = {}
        for number in range(1, count + 1):
            body = {
                "id": f"{run}-{number}",
                "text": f"Test message {number}",  # data, not words: the seed test's message
                "timestamp": datetime.now(UTC).isoformat(),
            }
            sent[body["id"]] = body
            producer.produce(topic, key=body["id"], value=json.dumps(body), on_delivery=report)
        producer.flush(timeout)

        consumer = Consumer(
            {"bootstrap.servers": servers, "group.id": f"kafka-check-{run}", "auto.offset.reset": "earliest"}
        )
        consumer.subscribe([topic])
        received: dict[str, dict] = {}
        deadline = time.monotonic() + timeout
        try:
            while len(received) < count and time.monotonic() < deadline:
                message = consumer.poll(1.0)
                if message is None or message.error():
                    continue
                body = json.loads(message.value())
                if body.get("id") in sent:
                    received[body["id"]] = body
                    self.stdout.write("  " + _("received %(message)s") % {"message": json.dumps(body)})
        finally:
            consumer.close()

        if len(received) == count and received == sent:
            self.stdout.write(
                self.style.SUCCESS(
                    _("OK: %(count)d messages produced and consumed through %(topic)s.")
                    % {"count": count, "topic": topic}
                )
            )
            return
        raise CommandError(
            _("FAILED: %(delivered)d of %(count)d delivered, %(received)d read back within %(timeout).0f s.")
            % {"delivered": len(delivered), "count": count, "received": len(received), "timeout": timeout}
        )
