"""Make the class archive Spark's driver starts from (spark_jobs/class_archive.py)."""

from django.core.management.base import BaseCommand, CommandError

from spark_jobs import class_archive
from spark_jobs.session import jdbc_jars


class Command(BaseCommand):
    help = "Archive the classes a Spark session loads, so every next driver maps them instead of reading the jars."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale", action="store_true", help="only when there is none, or it was made for other jars or Java"
        )
        parser.add_argument("--check", action="store_true", help="make nothing; fail unless the archive is current")

    def handle(self, *args, if_stale: bool = False, check: bool = False, **options):
        if class_archive.archive_file() is None:
            if check:
                raise CommandError("SPARK_CLASS_ARCHIVE is empty: Spark's drivers read their classes from the jars")
            self.stdout.write("SPARK_CLASS_ARCHIVE is empty: Spark's drivers read their classes from the jars.")
            return
        try:
            drivers = jdbc_jars()
            if check:
                if not class_archive.is_current(drivers):
                    raise CommandError(f"No current class archive at {class_archive.archive_file()}")
                self.stdout.write(f"Spark's class archive is current: {class_archive.archive_file()}")
                return
            if if_stale and class_archive.is_current(drivers):
                self.stdout.write(f"Spark's class archive is current: {class_archive.archive_file()}")
                return
            class_archive.build(drivers, say=self.stdout.write)
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
