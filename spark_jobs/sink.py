"""Writing a Spark DataFrame into a warehouse table.

A ClickHouse server is written by the executors themselves: each partition goes
in as Arrow batches through clickhouse-driver's columnar inserts, in parallel and
without passing through the driver (on a cluster, executors need the project's
requirements). The embedded chdb lives in this process only, so its rows stream
to the driver (toLocalIterator) and go in there.

Timestamps travel as epoch seconds and arrive as naive UTC datetimes, the way the
warehouse stores them; no time zone of any process can shift them.
"""

from datetime import UTC, datetime

from django.conf import settings

from analytics.warehouse import connection_options, warehouse

BATCH_ROWS = 50_000


def write(frame, table: str, *, version: int, batch_rows: int = BATCH_ROWS) -> int:
    """Insert every row of `frame` (plus the run's `version`) into `table`; returns the count."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    times = [field.name for field in frame.schema.fields if isinstance(field.dataType, TimestampType)]
    columns = [F.unix_timestamp(F.col(name)).alias(name) if name in times else F.col(name) for name in frame.columns]
    frame = frame.select(*columns, F.lit(version).cast("long").alias("version"))
    if settings.CLICKHOUSE_URL:
        return _write_from_executors(frame, table, times)
    return _write_from_driver(frame, table, times, batch_rows)


def _write_from_executors(frame, table: str, times: list[str]) -> int:
    from pyspark.sql import functions as F

    insert = _partition_inserter(settings.CLICKHOUSE_URL, table, frame.columns, times)
    # Named in Spark's status API (jobs, stages, tasks): where this table's rows were read and written.
    frame.sparkSession.sparkContext.setJobDescription(f"write {table} from the executors")
    counted = frame.mapInArrow(insert, "rows long").agg(F.sum("rows").alias("rows")).collect()
    return int(counted[0]["rows"] or 0)


def _partition_inserter(url: str, table: str, columns: list[str], times: list[str]):
    """A function for mapInArrow: runs on an executor, inserts its partition, yields the count."""
    where = connection_options(url)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES"

    def insert(batches):
        import pyarrow
        from clickhouse_driver import Client

        client = Client(**where, connect_timeout=10, send_receive_timeout=300)
        total = 0
        try:
            for batch in batches:
                if not batch.num_rows:
                    continue
                data = [batch.column(index).to_pylist() for index in range(batch.num_columns)]
                for index, name in enumerate(columns):
                    if name in times:
                        data[index] = [_utc(seconds) for seconds in data[index]]
                client.execute(statement, data, columnar=True)
                total += batch.num_rows
        finally:
            client.disconnect()
        yield pyarrow.RecordBatch.from_pydict({"rows": [total]})

    return insert


def _write_from_driver(frame, table: str, times: list[str], batch_rows: int) -> int:
    store, batch, written = warehouse(), [], 0
    for row in frame.toLocalIterator(prefetchPartitions=True):
        values = row.asDict()
        for name in times:
            values[name] = _utc(values[name])
        batch.append(values)
        if len(batch) >= batch_rows:
            store.insert(table, batch)
            written += len(batch)
            batch = []
    if batch:
        store.insert(table, batch)
        written += len(batch)
    return written


def _utc(seconds: int | None) -> datetime:
    return datetime.fromtimestamp(seconds or 0, UTC).replace(tzinfo=None)
