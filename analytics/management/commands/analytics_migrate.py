"""The one-time historical migration: every order, line, product, category, seller and user, then validation."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from analytics import pipeline
from analytics.management.commands.analytics_run import report_run, timed_printer


class Command(BaseCommand):
    help = gettext_lazy(
        "Copy the shop's whole history into the warehouse (parallel JDBC reads), build every "
        "day's aggregates and reconcile them with the database; the hourly sync carries on "
        "from there. Safe to repeat."
    )

    def handle(self, *args, **options):
        report_run(self, pipeline.run_migration(trigger="command", say=timed_printer(self)))
