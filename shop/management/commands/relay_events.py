"""Publish the domain-event outbox to Kafka, once or continuously."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop import kafka, relay
from shop.metrics import serve_metrics
from shop.models import OutboxEvent


class Command(BaseCommand):
    help = gettext_lazy("Publish unsent domain events to Kafka (--follow keeps running).")

    def add_arguments(self, parser):
        parser.add_argument("--follow", action="store_true", help=gettext_lazy("keep relaying until stopped"))
        parser.add_argument(
            "--interval", type=float, default=1.0, help=gettext_lazy("seconds between runs with --follow")
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help=gettext_lazy("events sent to Kafka in one batch")
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=0,
            help=gettext_lazy("serve this process's /metrics for Prometheus on this port"),
        )

    def handle(self, *args, follow: bool, interval: float, batch_size: int, **options):
        if not kafka.is_configured():
            raise CommandError(_("KAFKA_BOOTSTRAP_SERVERS is empty: events stay in the outbox."))
        if options["metrics_port"]:
            serve_metrics(options["metrics_port"])
        kafka.ensure_topic()
        while True:
            result = relay.relay_all(batch_size=batch_size)
            waiting = OutboxEvent.objects.filter(published_at__isnull=True).count()
            if result.published or result.failed or not follow:
                self.stdout.write(
                    _("published %(published)d, not acknowledged %(failed)d, waiting %(waiting)d")
                    % {"published": result.published, "failed": result.failed, "waiting": waiting}
                )
            if not follow:
                return
            time.sleep(interval)
