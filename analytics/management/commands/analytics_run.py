"""Run the hourly analytics chain now, in the foreground: incremental_sync → data_aggregation → data_quality_check →
product_affinity."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import pipeline
from analytics.models import PipelineRun


class Command(BaseCommand):
    help = gettext_lazy(
        "Sync the shop's new and changed rows into the warehouse, rebuild the affected days' "
        "aggregates, reconcile them with the database, then mine the bought-together rules again if "
        "orders changed. Exits non-zero when a step or the quality check fails. --job runs a single step."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--job",
            choices=[*pipeline.SYNC_CHAIN, "historical_migration", *pipeline.ON_DEMAND],
            help=gettext_lazy("Run only this step."),
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help=gettext_lazy(
                "Recompute the aggregates of every day, not only the changed ones, and train the recommendation "
                "models even if their input has not changed."
            ),
        )

    def handle(self, *args, **options):
        jobs = [options["job"]] if options["job"] else pipeline.with_events(pipeline.SYNC_CHAIN)
        run = pipeline.run_jobs(
            jobs, trigger="command", say=timed_printer(self), options={"rebuild": options["rebuild"]}
        )
        report_run(self, run)


def timed_printer(command: BaseCommand):
    started = time.monotonic()

    def say(message: str) -> None:
        command.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")
        command.stdout.flush()

    return say


def report_run(command: BaseCommand, run: PipelineRun) -> None:
    if run.status == PipelineRun.Status.SUCCEEDED:
        command.stdout.write(command.style.SUCCESS(_("run #%(id)s succeeded") % {"id": run.pk}))
        return
    if run.status == PipelineRun.Status.SKIPPED:
        raise CommandError(
            _("run #%(id)s skipped: %(reason)s. Try again when it has finished.") % {"id": run.pk, "reason": run.error}
        )
    raise CommandError(_("run #%(id)s failed: %(reason)s") % {"id": run.pk, "reason": run.error})
