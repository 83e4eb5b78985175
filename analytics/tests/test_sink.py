"""The executors' two ways into a ClickHouse server (CSV over HTTP, the native driver) store the
same rows, whatever the titles hold; a row written twice is kept once.

On the ClickHouse 18.16 server `make test` starts, with Spark in local mode. `scripts/stack` names
the server's HTTP port in CLICKHOUSE_URL (`?http_port=`), so the pipeline tests take the HTTP way
too; here both ways write the same frame and their tables are compared.
"""

import base64
import socket
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from pyspark.sql import functions as F

from analytics.warehouse import ServerWarehouse, with_database
from spark_jobs import sink
from spark_jobs.session import start_session, stop_session

AWKWARD_TITLES = [
    "plain",
    'a "quoted", comma',
    "two\nlines",
    " leading and trailing space ",
    "\\N",
    "back\\slash\ttab",
    "",
    "ünïcødé ✓",
]


def _without_http_port(url: str) -> str:
    parts = urlsplit(url)
    kept = "&".join(pair for pair in parts.query.split("&") if pair and not pair.startswith("http_port="))
    return parts._replace(query=kept).geturl()


def test_the_http_interface_comes_from_the_url():
    endpoint = sink.http_endpoint("clickhouse://bi%40shop:p%2Fw@ch.internal:9000/bazaar?http_port=8123")
    assert endpoint == sink.HttpEndpoint(
        url="http://ch.internal:8123/", database="bazaar", user="bi@shop", password="p/w"
    )
    assert sink.http_endpoint("clickhouse://127.0.0.1:9000/bazaar") is None  # the native driver then
    # Failover hosts are tried by the native driver only: with them, the rows take that way.
    assert sink.http_endpoint("clickhouse://a:9000/bazaar?http_port=8123&alt_hosts=b:9000") is None


def test_with_database_keeps_the_options():
    assert (
        with_database("clickhouse://u:p@h:9100/bazaar?http_port=8124", "other")
        == "clickhouse://u:p@h:9100/other?http_port=8124"
    )


@pytest.fixture
def two_warehouses(warehouse, settings):
    """The `warehouse` database written over HTTP, and a second fresh one written natively."""
    if not settings.CLICKHOUSE_URL:
        pytest.skip("the embedded warehouse is written from the driver, not the executors")
    if sink.http_endpoint(settings.CLICKHOUSE_URL) is None:
        pytest.skip("CLICKHOUSE_URL names no http_port (scripts/stack sets it)")
    from analytics import schema

    http_url = settings.CLICKHOUSE_URL
    native_url = _without_http_port(with_database(http_url, f"{warehouse.database}_native"))
    settings.CLICKHOUSE_URL = native_url
    schema.migrate()
    native = ServerWarehouse(native_url)
    settings.CLICKHOUSE_URL = http_url
    yield http_url, native_url
    native.execute(f"DROP DATABASE IF EXISTS {native.database}")


def _products_frame(session):
    from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType, TimestampType

    schema = StructType(
        [
            StructField("product_id", LongType()),
            StructField("seller_id", LongType()),
            StructField("category_id", LongType()),
            StructField("title", StringType()),
            StructField("price", DecimalType(14, 2)),
            StructField("is_active", LongType()),
            StructField("created_at", TimestampType()),
            StructField("updated_at", TimestampType()),
        ]
    )
    when = datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC)
    rows = [
        (number, 7, 3, title, Decimal(f"{number}.05"), number % 2, when, None if number == 2 else when)
        for number, title in enumerate(AWKWARD_TITLES, start=1)
    ]
    return session.createDataFrame(rows, schema).repartition(3)


def _stored(url: str) -> list[tuple]:
    store = ServerWarehouse(url)
    rows = store.query(
        "SELECT product_id, title, toString(price) AS price, is_active, toUnixTimestamp(created_at) AS created, "
        "toUnixTimestamp(updated_at) AS updated, version FROM products FINAL ORDER BY product_id"
    )
    return [tuple(row.values()) for row in rows]


def test_http_and_native_store_the_same_rows_once(spark, settings, two_warehouses):
    http_url, native_url = two_warehouses
    session = start_session("sink-test")
    try:
        frame = _products_frame(session)
        settings.CLICKHOUSE_URL = http_url
        assert sink.write(frame, "products", version=41) == len(AWKWARD_TITLES)
        assert sink.write(frame, "products", version=41) == len(AWKWARD_TITLES)  # a retried task
        settings.CLICKHOUSE_URL = native_url
        assert sink.write(frame, "products", version=41) == len(AWKWARD_TITLES)
    finally:
        stop_session(session)

    over_http, native = _stored(http_url), _stored(native_url)
    assert over_http == native
    assert [row[1] for row in over_http] == AWKWARD_TITLES
    expected_time = int(datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC).timestamp())
    assert over_http[0][2:] == ("1.05", 1, expected_time, expected_time, 41)
    assert over_http[1][5] == 0  # a missing time is the epoch, both ways


def test_the_insert_address_carries_the_database_the_columns_and_the_settings():
    endpoint = sink.http_endpoint("clickhouse://bi:secret@ch.internal:9000/bazaar?http_port=8123")
    address = sink.insert_address(endpoint, "orders", ["order_id", "total"], {"insert_distributed_sync": 1})
    assert address.startswith("http://ch.internal:8123/?")
    assert parse_qs(urlsplit(address).query) == {
        "insert_distributed_sync": ["1"],
        "database": ["bazaar"],
        "query": ["INSERT INTO orders (order_id, total) FORMAT CSV"],
    }
    assert "secret" not in address  # the password goes in the Authorization header, not the URL
    assert endpoint.authorization == "Basic " + base64.b64encode(b"bi:secret").decode()


def test_a_time_before_1970_is_stored_as_the_epoch_over_http(spark, settings, two_warehouses):
    http_url, _ = two_warehouses
    session = start_session("sink-test")
    try:
        frame = _products_frame(session).limit(1)
        early = frame.withColumn("created_at", frame.created_at - F.expr("INTERVAL 60 YEARS"))
        settings.CLICKHOUSE_URL = http_url
        assert sink.write(early, "products", version=1) == 1
    finally:
        stop_session(session)
    assert _stored(http_url)[0][4] == 0


def test_rows_the_server_refuses_fail_the_write_with_its_reason(spark, settings, two_warehouses):
    http_url, _ = two_warehouses
    session = start_session("sink-test")
    try:
        settings.CLICKHOUSE_URL = http_url
        with pytest.raises(Exception, match="ClickHouse refused the rows") as refused:
            sink.write(_products_frame(session), "no_such_table", version=1)
    finally:
        stop_session(session)
    assert "no_such_table" in str(refused.value)


def _refusing_server(after_bytes: int, answer: bytes):
    """A server that reads the request's first `after_bytes`, answers an error and closes the
    connection, as ClickHouse does when it stops reading an INSERT midway. Returns its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        connection, _ = listener.accept()
        with connection, listener:
            received = 0
            while received < after_bytes:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                received += len(chunk)
            connection.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(answer), answer)
            )

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def test_a_refusal_meeting_a_large_partition_midway_gives_the_servers_reason(spark, settings):
    """The server stops reading, answers and closes while megabytes of the partition are still going
    out: the write fails with the server's reason, not "broken pipe"."""
    reason = b"Code: 27. DB::Exception: Cannot parse input: expected , before: seven (at row 2000)"
    port = _refusing_server(after_bytes=200_000, answer=reason)
    settings.CLICKHOUSE_URL = f"clickhouse://127.0.0.1:9/bazaar?http_port={port}"
    session = start_session("sink-test")
    try:
        with pytest.raises(Exception, match=r"ClickHouse refused the rows \(HTTP 500\)") as refused:
            sink.write(_many_products(session, 1_000_000), "products", version=1)
    finally:
        stop_session(session)
    assert "Cannot parse input: expected , before: seven" in str(refused.value)


def _many_products(session, count: int, *, broken_at: int | None = None):
    """`count` products in one partition; reading the row `broken_at` fails, as a broken read would."""
    title = F.concat(F.lit("a lamp of no particular interest, number "), F.col("id").cast("string"))
    if broken_at is not None:
        title = F.when(F.col("id") == broken_at, F.raise_error(F.lit("the read broke"))).otherwise(title)
    now = F.current_timestamp()
    return session.range(1, count + 1, numPartitions=1).select(
        F.col("id").alias("product_id"),
        F.lit(7).cast("long").alias("seller_id"),
        F.lit(3).cast("long").alias("category_id"),
        title.alias("title"),
        F.lit("9.99").cast("decimal(14,2)").alias("price"),
        F.lit(1).cast("long").alias("is_active"),
        now.alias("created_at"),
        now.alias("updated_at"),
    )


def test_a_partition_whose_read_breaks_midway_leaves_none_of_its_rows(spark, settings, two_warehouses):
    """The rows before the break were already on their way (megabytes of them): the body is cut, not
    ended, so the server keeps none, and the retried task writes the partition whole, once."""
    http_url, _ = two_warehouses
    session = start_session("sink-test")
    try:
        settings.CLICKHOUSE_URL = http_url
        with pytest.raises(Exception, match="the read broke"):
            sink.write(_many_products(session, 40_000, broken_at=35_000), "products", version=1)
    finally:
        stop_session(session)
    assert ServerWarehouse(http_url).query("SELECT count() AS rows FROM products")[0]["rows"] == 0


def test_a_server_that_stops_taking_rows_fails_the_write_instead_of_hanging(spark, settings):
    """Sending has no timeout of its own: a listener that never reads would hold the task for ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # the kernel accepts the connection; nobody reads from it
    settings.CLICKHOUSE_URL = f"clickhouse://127.0.0.1:9/bazaar?http_port={listener.getsockname()[1]}"
    settings.ANALYTICS_WRITE_STALL_SECONDS = 2
    session = start_session("sink-test")
    started = time.monotonic()
    try:
        with pytest.raises(Exception, match="ClickHouse took no rows for 2 s"):
            sink.write(_many_products(session, 1_000_000), "products", version=1)
    finally:
        stop_session(session)
        listener.close()
    assert time.monotonic() - started < 60
