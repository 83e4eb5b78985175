"""Apply the warehouse schema files (analytics/schema/*.sql) that are not applied yet."""

from django.core.management.base import BaseCommand

from analytics import schema


class Command(BaseCommand):
    help = "Create or upgrade the analytics tables in ClickHouse (or the embedded chdb)."

    def handle(self, *args, **options):
        applied = schema.migrate()
        for name in applied:
            self.stdout.write(f"applied {name}")
        self.stdout.write(f"{len(applied)} applied, {len(schema.migration_files())} in all.")
