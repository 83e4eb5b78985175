"""Writing a Spark DataFrame into a warehouse table.

A ClickHouse server is written by the executors themselves, each partition in parallel and without
passing through the driver. When CLICKHOUSE_URL names the server's HTTP port (`?http_port=8123`),
the rows stay in the JVM: our small class in spark_jobs/jvm (built by `scripts/stack spark`,
shipped to the executors with the JDBC drivers) streams each partition to that port as one CSV
INSERT, and no Python worker sees a row (handing Arrow batches to Python workers was two thirds
of the incremental sync's time, docs/benchmarks.md). Otherwise, and when the URL lists failover
hosts (`alt_hosts`, which only the native driver tries), Arrow batches go to Python workers and in
through clickhouse-driver's columnar inserts over the native port (on a cluster, executors then
need the project's requirements). The embedded chdb lives in this process only, so its rows stream
to the driver (toLocalIterator) and go in there.

Either way a row written twice (a retried task, an overlapping sync) carries the same key and the
run's version, and the ReplacingMergeTree keeps one copy: the copy stays exactly once.

Timestamps travel as epoch seconds, no time zone of any process can shift them: over HTTP as the
ten digits that ClickHouse 18.16 and current ClickHouse both read as an instant, over the native
protocol as naive UTC datetimes, the way the warehouse stores them.
"""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from django.conf import settings

from analytics.warehouse import CLUSTER_SETTINGS, connection_options, database_of, warehouse

BATCH_ROWS = 50_000
LAST_SECOND = 4_294_967_295  # DateTime's last second: 2106-02-07 06:28:15 UTC
EPOCH_SECONDS = "bazaar.epoch_seconds"  # the column metadata CsvOverHttp.EPOCH_SECONDS reads


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

    endpoint = http_endpoint(settings.CLICKHOUSE_URL)
    # Named in Spark's status API (jobs, stages, tasks): where this table's rows were read and written.
    frame.sparkSession.sparkContext.setJobDescription(f"write {table} from the executors")
    if endpoint is not None:
        cluster = dict(CLUSTER_SETTINGS) if settings.CLICKHOUSE_CLUSTER else {}
        return _write_over_http(frame, table, times, endpoint, cluster)
    insert = _partition_inserter(settings.CLICKHOUSE_URL, table, frame.columns, times)
    counted = frame.mapInArrow(insert, "rows long").agg(F.sum("rows").alias("rows")).collect()
    return int(counted[0]["rows"] or 0)


@dataclass(frozen=True)
class HttpEndpoint:
    url: str  # the server's HTTP interface
    database: str
    user: str
    password: str

    @property
    def authorization(self) -> str:
        """The Authorization header's value (HTTP basic, which ClickHouse 18.16 reads too)."""
        return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")


def http_endpoint(url: str) -> HttpEndpoint | None:
    """The HTTP interface of the server CLICKHOUSE_URL names, when its `http_port` is given and no
    failover hosts are (over HTTP there would be no failover)."""
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    port = options.get("http_port", [""])[0]
    if not port or options.get("alt_hosts"):
        return None
    return HttpEndpoint(
        url=f"http://{parts.hostname or '127.0.0.1'}:{int(port)}/",
        database=database_of(url),
        user=unquote(parts.username or "default"),
        password=unquote(parts.password or ""),
    )


def insert_address(endpoint: HttpEndpoint, table: str, columns: list[str], extra: dict) -> str:
    """The URL whose POST body of CSV rows goes into `table` (with `extra` settings, a cluster's)."""
    query = f"INSERT INTO {table} ({', '.join(columns)}) FORMAT CSV"
    return endpoint.url + "?" + urlencode({**extra, "database": endpoint.database, "query": query})


def _write_over_http(frame, table: str, times: list[str], endpoint: HttpEndpoint, extra: dict) -> int:
    """Each partition streamed as one CSV INSERT by the JVM class in spark_jobs/jvm (CsvOverHttp)."""
    from py4j.java_gateway import JavaClass
    from pyspark.sql import functions as F

    # A missing time, or one before 1970 (DateTime's least), is the epoch, and one after DateTime's last
    # second (2106) is that second; marked as epoch seconds, which the writer sends as ten digits, which
    # ClickHouse 18.16 and current ClickHouse both read as an instant.
    columns = [
        F.least(F.greatest(F.coalesce(F.col(name), F.lit(0)), F.lit(0)), F.lit(LAST_SECOND))
        .cast("long")
        .alias(name, metadata={EPOCH_SECONDS: True})
        if name in times
        else F.col(name)
        for name in frame.columns
    ]
    writer = frame.sparkSession.sparkContext._jvm.bazaar.warehouse.CsvOverHttp
    if not isinstance(writer, JavaClass):
        raise RuntimeError(
            f"The warehouse writer (bazaar-warehouse-writer.jar) is not in {settings.SPARK_JARS_DIR}: "
            "run `scripts/stack spark` to build it."
        )
    address = insert_address(endpoint, table, frame.columns, extra)
    stall = settings.ANALYTICS_WRITE_STALL_SECONDS
    return int(writer.write(frame.select(*columns)._jdf, address, endpoint.authorization, stall))


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
