"""Make the class archive Spark's driver starts from (spark_jobs/class_archive.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spark_jobs import class_archive
from spark_jobs.session import jdbc_jars


class Command(BaseCommand):
    help = gettext_lazy(
        "Archive the classes a Spark session loads, so that every later driver maps them instead of reading the jars."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help=gettext_lazy("only when there is none, or it was made for other jars or another Java"),
        )
        parser.add_argument(
            "--check", action="store_true", help=gettext_lazy("make nothing; fail unless the archive is current")
        )

    def handle(self, *args, if_stale: bool = False, check: bool = False, **options):
        archive = class_archive.archive_file()
        if archive is None:
            empty = _("SPARK_CLASS_ARCHIVE is empty: Spark's drivers read their classes from the jars.")
            if check:
                raise CommandError(empty)
            self.stdout.write(empty)
            return
        try:
            drivers = jdbc_jars()
            if (check or if_stale) and class_archive.is_current(drivers):
                self.stdout.write(_("Spark's class archive is current: %(path)s") % {"path": archive})
                return
            if check:
                raise CommandError(_("No current class archive at %(path)s") % {"path": archive})
            class_archive.build(drivers, say=self.stdout.write)
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
