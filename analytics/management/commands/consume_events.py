"""Consume domain events from Kafka into the warehouse's raw_events table."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import consumer, schema
from shop import kafka
from shop.metrics import serve_metrics


class Command(BaseCommand):
    help = gettext_lazy("Store events from Kafka in ClickHouse (exactly once in the result). --follow keeps running.")

    def add_arguments(self, parser):
        parser.add_argument("--follow", action="store_true", help=gettext_lazy("keep consuming until stopped"))
        parser.add_argument(
            "--idle", type=float, default=3.0, help=gettext_lazy("without --follow: stop after N quiet seconds")
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=0,
            help=gettext_lazy("serve this process's /metrics for Prometheus on this port"),
        )

    def handle(self, *args, follow: bool, idle: float, **options):
        if not kafka.is_configured():
            raise CommandError(_("KAFKA_BOOTSTRAP_SERVERS is empty: there is nothing to consume."))
        if options["metrics_port"]:
            serve_metrics(options["metrics_port"])
        schema.migrate()
        events = consumer.make_consumer()
        try:
            if follow:
                while True:
                    result = consumer.consume_batch(events)
                    if result.received:
                        self._report(result)
            else:
                self._report(consumer.drain(events, idle_seconds=idle))
        finally:
            events.close()

    def _report(self, result) -> None:
        self.stdout.write(
            _("received %(received)d, stored %(stored)d, duplicates skipped %(duplicates)d, malformed %(malformed)d")
            % {
                "received": result.received,
                "stored": result.stored,
                "duplicates": result.duplicates,
                "malformed": result.malformed,
            }
        )
