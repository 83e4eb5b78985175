"""Copies the rows created or changed since the last watermark.

The watermark (analytics.Watermark "incremental_sync") is the time the previous
sync started; this one re-reads from a little earlier (ANALYTICS_SYNC_OVERLAP_SECONDS),
so a row committed late by a long transaction is still picked up. Reading a row
twice is harmless: the warehouse keeps the copy with the newest version, so an
order whose status changed is replaced, not counted again. The watermark moves
only after every table was written; a failed run leaves it where it was.
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # `spark-submit spark_jobs/<job>.py`: run it as the pipeline does (recorded, locked), exit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.submit import submit

    submit(Path(__file__).stem)

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from spark_jobs.context import JobContext, JobResult
from spark_jobs.shop_tables import TABLES, copy
from spark_jobs.source import dialect

NAME = "incremental_sync"
USES_SPARK = True


def run(context: JobContext) -> JobResult:
    from analytics.models import Watermark

    mark, _ = Watermark.objects.get_or_create(name=NAME)
    started = timezone.now()
    since = None
    if mark.value is not None:
        since = dialect().timestamp(mark.value - timedelta(seconds=settings.ANALYTICS_SYNC_OVERLAP_SECONDS))
    rows = {}
    for table in TABLES:
        rows[table.name] = copy(context, table, dialect(), since=since, partitions=settings.SPARK_JDBC_PARTITIONS)
        context.say(gettext("%(table)s: %(rows)d rows") % {"table": table.name, "rows": rows[table.name]})
    previous = mark.value
    mark.value, mark.version = started, context.version
    mark.save()
    return JobResult(
        rows=rows,
        details={"since": previous.isoformat() if previous else None, "watermark": started.isoformat()},
    )
