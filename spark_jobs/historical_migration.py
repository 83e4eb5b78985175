"""One-time full copy of the shop's orders, lines, products, categories, sellers and users.

Reads each table over JDBC in parallel ranges of its primary key. Safe to repeat:
every row carries this run's version, and the warehouse keeps the newest copy.
Afterwards the incremental sync carries on from the moment this copy started.
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # `spark-submit spark_jobs/<job>.py`: run it as the pipeline does (recorded, locked), exit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.submit import submit

    submit(Path(__file__).stem)

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from spark_jobs.context import JobContext, JobResult
from spark_jobs.shop_tables import TABLES, copy
from spark_jobs.source import dialect

NAME = "historical_migration"
USES_SPARK = True


def run(context: JobContext) -> JobResult:
    from analytics.models import Watermark

    started = timezone.now()
    rows = {}
    for table in TABLES:
        rows[table.name] = copy(context, table, dialect(), partitions=settings.SPARK_JDBC_PARTITIONS)
        context.say(gettext("%(table)s: %(rows)d rows") % {"table": table.name, "rows": rows[table.name]})
    Watermark.objects.update_or_create(name="incremental_sync", defaults={"value": started, "version": context.version})
    return JobResult(rows=rows, details={"watermark": started.isoformat()})
