"""Publish the domain-event outbox to Kafka, once or continuously."""

import time

from django.core.management.base import BaseCommand, CommandError

from shop import kafka, relay
from shop.metrics import serve_metrics
from shop.models import OutboxEvent


class Command(BaseCommand):
    help = "Publish unsent domain events to Kafka (--follow keeps running)."

    def add_arguments(self, parser):
        parser.add_argument("--follow", action="store_true", help="keep relaying until stopped")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between runs with --follow")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--metrics-port", type=int, default=0, help="serve this process's /metrics for Prometheus on this port"
        )

    def handle(self, *args, follow: bool, interval: float, batch_size: int, **options):
        if not kafka.is_configured():
            raise CommandError("KAFKA_BOOTSTRAP_SERVERS is empty: events stay in the outbox.")
        if options["metrics_port"]:
            serve_metrics(options["metrics_port"])
        kafka.ensure_topic()
        while True:
            result = relay.relay_all(batch_size=batch_size)
            waiting = OutboxEvent.objects.filter(published_at__isnull=True).count()
            if result.published or result.failed or not follow:
                self.stdout.write(f"published {result.published}, not acknowledged {result.failed}, waiting {waiting}")
            if not follow:
                return
            time.sleep(interval)
