"""Apply the warehouse schema files (analytics/schema/*.sql) that are not applied yet."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import schema


class Command(BaseCommand):
    help = gettext_lazy("Create or upgrade the analytics tables in ClickHouse (or the embedded chdb).")

    def handle(self, *args, **options):
        applied = schema.migrate()
        for name in applied:
            self.stdout.write(_("applied %(name)s") % {"name": name})
        self.stdout.write(
            _("%(applied)d applied, %(total)d in all.")
            % {"applied": len(applied), "total": len(schema.migration_files())}
        )
