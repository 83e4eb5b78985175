"""The training run that makes Spark's class archive (spark_jobs/class_archive.py).

    python -m spark_jobs.archive_training DESTINATION     (run by `manage.py spark_class_archive`)

Its own process, since the JVM writes the archive as it exits: the classes the work below makes a
session load, which are the ones a sync loads (a JDBC read, the warehouse writer) and an aggregation.
"""

import contextlib
import http.server
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from spark_jobs.class_archive import logging_options
from spark_jobs.session import start_session

TRAINING_ROWS = 200_000


def train(destination: Path) -> None:
    """The training run (in its own process): a session whose JVM archives, when it exits, every
    class the work below made it load: a partitioned JDBC read, the warehouse writer's CSV stream
    over HTTP, an aggregation with a shuffle, and Arrow both ways."""
    from pyspark import SparkContext

    options = [f"-XX:ArchiveClassesAtExit={destination}", "-Xlog:cds*=error", *logging_options()]
    spark = start_session("bazaar-class-archive", java_options=options)
    with tempfile.TemporaryDirectory() as folder:
        _exercise(spark, Path(folder))
    gateway = SparkContext._gateway
    spark.stop()
    # The JVM writes the archive on its way out, which it takes when its standard input closes.
    gateway.proc.stdin.close()
    gateway.proc.wait(timeout=600)


def _exercise(spark, folder: Path) -> None:
    import sqlite3

    from django.test import override_settings
    from pyspark.sql import functions as F

    from spark_jobs import sink

    database = folder / "training.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE line (id INTEGER PRIMARY KEY, title TEXT, price NUMERIC, placed TEXT)")
        connection.executemany(
            "INSERT INTO line VALUES (?, ?, ?, ?)",
            ((n, f"title {n}", n % 977 / 100, f"2026-01-{n % 28 + 1:02d} 10:00:00") for n in range(TRAINING_ROWS)),
        )
    frame = (
        spark.read.format("jdbc")
        .options(url=f"jdbc:sqlite:{database}", driver="org.sqlite.JDBC", dbtable="line", fetchsize="10000")
        .options(partitionColumn="id", lowerBound="0", upperBound=str(TRAINING_ROWS), numPartitions="4")
        .option("customSchema", "id LONG, title STRING, price DECIMAL(12, 2), placed STRING")
        .load()
        .withColumn("placed", F.to_timestamp("placed"))
    )
    # The warehouse writer's path as a sync takes it, into a server that reads the rows and keeps none.
    with (
        receiving_server() as port,
        override_settings(CLICKHOUSE_URL=f"clickhouse://127.0.0.1:{port}/t?http_port={port}"),
    ):
        sink.write(frame, "line", version=1)
    totals = frame.groupBy(F.to_date("placed").alias("day")).agg(F.sum("price"), F.countDistinct("title"))
    spark.createDataFrame(totals.toPandas()).collect()


@contextlib.contextmanager
def receiving_server(bodies: list[bytes] | None = None) -> Iterator[int]:
    """An HTTP server on a loopback port that reads each POST's chunked body (into `bodies`, when
    given) and answers 200: where the training's rows go, and what a test reads the writer's CSV from."""

    class Receiving(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.read(2)
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            if bodies is not None:
                bodies.append(b"".join(chunks))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *arguments) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiving)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    train(Path(sys.argv[1]))
