"""The CSV the warehouse writer (spark_jobs/jvm, CsvOverHttp) sends, byte for byte: numbers written
digit by digit into its own buffer must read back as the values Spark holds."""

from decimal import Decimal

import pytest

from spark_jobs.archive_training import receiving_server
from spark_jobs.session import start_session, stop_session
from spark_jobs.sink import EPOCH_SECONDS


@pytest.fixture
def received():
    """The bodies a loopback HTTP server received, and its address."""
    bodies: list[bytes] = []
    with receiving_server(bodies) as port:
        yield bodies, f"http://127.0.0.1:{port}/"


def test_numbers_decimals_times_and_texts_go_out_as_spark_holds_them(spark, received):
    from pyspark.sql import functions as F
    from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType

    schema = StructType([
        StructField("id", LongType()),
        StructField("price", DecimalType(14, 2)),
        StructField("huge", DecimalType(38, 10)),
        StructField("seconds", LongType()),
        StructField("title", StringType()),
    ])  # fmt: skip
    rows = [
        (-(2**63), Decimal("-0.05"), Decimal("-1234567890123456789012345678.0123456789"), 0, 'say "hi", twice'),
        (2**63 - 1, Decimal("0.00"), Decimal("0E-10"), 4_294_967_295, "line\nbreak"),
        (0, Decimal("999999999999.99"), None, 1_764_547_198, ""),
        (-1, Decimal("-999999999999.99"), Decimal("1.5"), 7, None),
    ]
    session = start_session("csv-writer-test")
    try:
        frame = session.createDataFrame(rows, schema).coalesce(1)
        frame = frame.withColumn("seconds", F.col("seconds").alias("seconds", metadata={EPOCH_SECONDS: True}))
        writer = session.sparkContext._jvm.bazaar.warehouse.CsvOverHttp
        bodies, address = received
        assert writer.write(frame._jdf, address, "", 60) == len(rows)
    finally:
        stop_session(session)

    assert b"".join(bodies).decode() == (
        '-9223372036854775808,-0.05,-1234567890123456789012345678.0123456789,0000000000,"say ""hi"", twice"\n'
        '9223372036854775807,0.00,0.0000000000,4294967295,"line\nbreak"\n'
        '0,999999999999.99,,1764547198,""\n'
        "-1,-999999999999.99,1.5000000000,0000000007,\n"
    )


def test_values_across_the_buffers_edge_and_a_text_longer_than_the_buffer_arrive_whole(spark, received):
    """The writer hands its 64 KiB array to the body when the next value does not fit, and a text
    longer than the array goes straight through: 3,000 rows of awkward widths around one 100 KB title."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kinds = {
        "id": T.LongType(), "count": T.IntegerType(), "small": T.ShortType(), "tiny": T.ByteType(),
        "active": T.BooleanType(), "ratio": T.DoubleType(), "price": T.DecimalType(18, 4), "seconds": T.LongType(),
        "title": T.StringType(),
    }  # fmt: skip
    schema = T.StructType([T.StructField(name, kind) for name, kind in kinds.items()])
    long_title = 'a "quoted" ' + "é" * 50_000  # 100 KB of UTF-8, more than the writer's array
    rows = [
        (
            n * 7_919_191 - 10**12, -n, n % 300 - 150, n % 256 - 128, n % 2 == 0, n / 8,
            Decimal(n * 1_234_567) / 10_000 * (-1 if n % 3 else 1), n * 1_000_003,
            long_title if n == 1_500 else f"t{n}",
        )
        for n in range(3_000)
    ]  # fmt: skip
    session = start_session("csv-writer-test")
    try:
        frame = session.createDataFrame(rows, schema).coalesce(1)
        frame = frame.withColumn("seconds", F.col("seconds").alias("seconds", metadata={EPOCH_SECONDS: True}))
        bodies, address = received
        assert session.sparkContext._jvm.bazaar.warehouse.CsvOverHttp.write(frame._jdf, address, "", 60) == len(rows)
    finally:
        stop_session(session)

    def line(row) -> str:
        id_, count, small, tiny, active, ratio, price, seconds, title = row
        quoted = '"' + title.replace('"', '""') + '"'
        fields = [id_, count, small, tiny, int(active), repr(ratio), f"{price:.4f}", f"{seconds:010d}", quoted]
        return ",".join(str(field) for field in fields) + "\n"

    body = b"".join(bodies)
    assert len(body) > 3 * 65_536
    assert body.decode() == "".join(line(row) for row in rows)
