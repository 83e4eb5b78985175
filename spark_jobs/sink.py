"""Writing a Spark DataFrame into a warehouse table, through analytics.warehouse.

Rows stream to the driver in partitions (toLocalIterator) and go in as batched
inserts, so the same code feeds a ClickHouse server and the embedded chdb.
Timestamps travel as epoch seconds and arrive as naive UTC datetimes, the way
the warehouse stores them; no time zone of any process can shift them.
"""

from datetime import UTC, datetime

from analytics.warehouse import warehouse

BATCH_ROWS = 50_000


def write(frame, table: str, *, version: int, batch_rows: int = BATCH_ROWS) -> int:
    """Insert every row of `frame` (plus the run's `version`) into `table`; returns the count."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    times = {field.name for field in frame.schema.fields if isinstance(field.dataType, TimestampType)}
    columns = [F.unix_timestamp(F.col(name)).alias(name) if name in times else F.col(name) for name in frame.columns]
    frame = frame.select(*columns, F.lit(version).cast("long").alias("version"))
    store, batch, written = warehouse(), [], 0
    for row in frame.toLocalIterator(prefetchPartitions=True):
        values = row.asDict()
        for name in times:
            seconds = values[name]
            values[name] = datetime.fromtimestamp(seconds or 0, UTC).replace(tzinfo=None)
        batch.append(values)
        if len(batch) >= batch_rows:
            store.insert(table, batch)
            written += len(batch)
            batch = []
    if batch:
        store.insert(table, batch)
        written += len(batch)
    return written
