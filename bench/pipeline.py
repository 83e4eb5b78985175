"""The analytics pipeline benchmark: relay, consumer, sync, aggregation, dashboard.

On the real PostgreSQL, Kafka and ClickHouse 18.16 that `scripts/stack` starts,
with Spark in local mode. Loads BENCH_ORDER_LINES order lines (1M by default, four
per order, over a year) straight into a database of its own, then measures:

- the floor: `COPY (SELECT …) TO STDOUT | clickhouse-client INSERT … FORMAT TSV`
  of the same orders and lines, the plainest way to move those rows;
- the first incremental sync (every row is new), the aggregation of every day,
  and a second sync after 1% of the orders changed status (the hourly case);
- the relay (outbox → Kafka) and the consumer (Kafka → ClickHouse) in events/s;
- the dashboard's latency, as staff and as a seller, over BENCH_RAW_EVENTS raw
  events (10M by default) and their aggregates.
"""

import os
import platform
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

from bench.common import ROOT, ensure_database, environment, log, manage, seed_demo
from shop.testing import generate_orders

LINES = int(os.environ.get("BENCH_ORDER_LINES", "1000000"))
RAW_EVENTS = int(os.environ.get("BENCH_RAW_EVENTS", "10000000"))
RELAY_EVENTS = int(os.environ.get("BENCH_RELAY_EVENTS", "100000"))
WAREHOUSE_DATABASE = os.environ.get("BENCH_WAREHOUSE", "bench_pipeline")


def run() -> None:
    env = _environment()
    ensure_database(env["DATABASE_URL"])
    log("pipeline: migrating and loading the catalogue")
    manage(env, "migrate", "-v0")
    seed_demo(env, "--products", "1000", "--orders", "0", "--reviews", "0", "--no-pictures", "-v0")
    shop = _connect(env)
    _reset(shop, env)
    manage(env, "analytics_schema")
    log(f"pipeline: generating {LINES:,} order lines")
    generate_orders(shop, LINES)

    figures: list[tuple[str, str, str]] = []
    floor = _floor(env)
    figures.append(
        ("floor: psql COPY → clickhouse-client (orders + lines)", f"{floor:.1f} s", _rate(LINES * 1.25, floor))
    )

    from spark_jobs.sink import http_endpoint

    if http_endpoint(env["CLICKHOUSE_URL"]) is not None:
        # The same first sync with the executors' native inserts (the way before the HTTP sink), side by
        # side; then the watermark is forgotten, so the next sync copies every row again.
        log("pipeline: first incremental sync, native inserts")
        manage({**env, "CLICKHOUSE_URL": _native(env["CLICKHOUSE_URL"])}, "analytics_run", "--job", "incremental_sync")
        native = _job(shop, "incremental_sync")
        figures.append(
            (
                "incremental sync, all rows, native inserts (job)",
                f"{native['seconds']:.1f} s",
                _rate(native["rows"], native["seconds"]),
            )
        )
        figures.append(("ratio: floor / sync, native inserts", f"{floor / native['seconds']:.2f}×", ""))
        _forget_watermark(shop)

    way = "CSV over HTTP from the JVM" if http_endpoint(env["CLICKHOUSE_URL"]) is not None else "native inserts"
    # A fresh JVM reading Spark's classes from the jars, then one mapping them from the class archive
    # (spark_jobs/class_archive.py), side by side; the watermark is forgotten in between.
    log("pipeline: first incremental sync (every row is new), a fresh JVM without the class archive")
    figures += _fresh_sync(env, shop, floor, way, "classes from the jars", {"SPARK_CLASS_ARCHIVE": ""})
    _forget_watermark(shop)
    log("pipeline: the same sync, a fresh JVM with the class archive")
    missing = "" if _archive_current(env) else ARCHIVE_MISSING
    figures += _fresh_sync(env, shop, floor, way, f"the class archive{missing}", {})

    # A process that keeps its Spark session (and the JIT's work) from one run to the next
    # (SPARK_KEEP_SESSION, Spark in the worker's own process): the same full sync twice, the second timed.
    log("pipeline: the same full sync twice in one process that keeps its Spark session")
    manage({**env, "SPARK_KEEP_SESSION": "true"}, "shell", "-c", SYNC_TWICE)
    warm = _job(shop, "incremental_sync")
    figures.append(
        (
            f"incremental sync, all rows, {way} (job, a process that keeps its session, its 2nd run)",
            f"{warm['seconds']:.1f} s",
            _rate(warm["rows"], warm["seconds"]),
        )
    )
    figures.append(("ratio: floor / sync, a kept session (target ≥ 0.33×)", f"{floor / warm['seconds']:.2f}×", ""))

    log("pipeline: aggregation of every day")
    manage(env, "analytics_run", "--job", "data_aggregation", "--rebuild")
    aggregation = _job(shop, "data_aggregation")
    figures.append(("aggregation, every day (4 aggregates)", f"{aggregation['seconds']:.1f} s", ""))

    log("pipeline: hourly chain after 1% of the orders changed")
    with shop.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order SET status = 'cancelled', updated_at = now() WHERE id % 100 = 0 AND status = 'placed'"
        )
    shop.commit()
    manage(env, "analytics_run")
    for job in ("incremental_sync", "data_aggregation", "data_quality_check", "product_affinity"):
        done = _job(shop, job)
        figures.append((f"hourly chain: {job}", f"{done['seconds']:.1f} s", f"{done['rows']:,} rows"))

    figures += _events(env, shop)
    figures += _dashboard(env)
    _print(figures)


ARCHIVE_MISSING = " [no current archive: run `scripts/stack spark`]"


def _archive_current(env: dict) -> bool:
    done = subprocess.run(
        [sys.executable, "manage.py", "spark_class_archive", "--check"], cwd=ROOT, env=env, capture_output=True
    )
    return done.returncode == 0


SYNC_TWICE = (
    "import os\n"
    "from analytics.models import Watermark\n"
    "from analytics.pipeline import run_jobs\n"
    "from bench.pipeline import _settle\n"
    "for attempt in range(2):\n"
    "    _settle(os.environ)\n"
    "    Watermark.objects.filter(name='incremental_sync').delete()\n"
    "    run = run_jobs(['incremental_sync'], trigger='bench')\n"
    "    assert run.status == 'succeeded', run.error\n"
)


def _environment() -> dict:
    env = environment("_pipeline", keep=("CLICKHOUSE_URL", "KAFKA_BOOTSTRAP_SERVERS"))
    if not env.get("CLICKHOUSE_URL") or not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        sys.exit("the pipeline benchmark needs ClickHouse and Kafka (scripts/stack up clickhouse kafka)")
    from analytics.warehouse import with_database

    env["CLICKHOUSE_URL"] = with_database(env["CLICKHOUSE_URL"], WAREHOUSE_DATABASE)
    env["KAFKA_EVENTS_TOPIC"] = f"bench-events-{uuid.uuid4().hex[:8]}"
    env["EVENTS_CONSUMER_GROUP"] = f"bench-{uuid.uuid4().hex[:8]}"
    env["SPARK_JDBC_PARTITIONS"] = env.get("SPARK_JDBC_PARTITIONS", "4")
    return env


def _connect(env: dict):
    import psycopg

    return psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1))


def _clickhouse(env: dict, *, database: str | None = WAREHOUSE_DATABASE):
    from clickhouse_driver import Client

    parts = urlsplit(env["CLICKHOUSE_URL"])
    return Client(
        host=parts.hostname, port=parts.port or 9000, database=database or "default", send_receive_timeout=600
    )


def _native(url: str) -> str:
    """CLICKHOUSE_URL without its HTTP port: the executors insert over the native protocol."""
    parts = urlsplit(url)
    kept = "&".join(pair for pair in parts.query.split("&") if pair and not pair.startswith("http_port="))
    return parts._replace(query=kept).geturl()


def _fresh_sync(env: dict, shop, floor: float, way: str, label: str, extra: dict) -> list[tuple[str, str, str]]:
    """One full sync by `analytics_run` in a fresh process (`extra` in its environment), on a settled
    warehouse: the job's time and rate, Spark's start and the whole command, the ratio to the floor."""
    _settle(env)
    wall = _timed(lambda: manage({**env, **extra}, "analytics_run", "--job", "incremental_sync"))
    sync = _job(shop, "incremental_sync")
    return [
        (f"incremental sync, all rows, {way} (job, a fresh JVM, {label})", f"{sync['seconds']:.1f} s",
         _rate(sync["rows"], sync["seconds"])),
        ("the same sync: Spark's start / the whole command", f"{_seconds(sync['spark_start'])} / {wall:.1f} s", ""),
        (f"ratio: floor / sync, a fresh JVM, {label}", f"{floor / sync['seconds']:.2f}×", ""),
    ]  # fmt: skip


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def _settle(env: dict) -> None:
    """Each timed sync starts on a warehouse whose earlier copies are merged: the merges a sync sets off
    would otherwise run during the next one (the floor writes tables of its own)."""
    from spark_jobs.shop_tables import TABLES

    store = _clickhouse(env, database=urlsplit(env["CLICKHOUSE_URL"]).path.strip("/"))  # a shell of SYNC_TWICE's too
    for table in TABLES:
        store.execute(f"OPTIMIZE TABLE {table.name} FINAL")


def _forget_watermark(shop) -> None:
    with shop.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_watermark WHERE name = 'incremental_sync'")
    shop.commit()


def _reset(shop, env: dict) -> None:
    _clickhouse(env, database=None).execute(f"DROP DATABASE IF EXISTS {WAREHOUSE_DATABASE}")
    with shop.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_orderline, orders_orderstatuschange, orders_order, shop_outboxevent, "
            "analytics_jobrun, analytics_watermark, analytics_pipelinelock, analytics_pipelinerun CASCADE"
        )
    shop.commit()


FLOOR_TABLES = {
    "floor_orders": (
        "order_id UInt64, buyer_id UInt64, status String, total Decimal(14, 2), currency String, "
        "created_at DateTime, updated_at DateTime",
        "SELECT id, buyer_id, status, total, currency, "
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
        "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM orders_order",
    ),
    "floor_order_lines": (
        "line_id UInt64, order_id UInt64, product_id UInt64, seller_id UInt64, category_id UInt64, title String, "
        "unit_price Decimal(12, 2), quantity UInt32, line_total Decimal(14, 2), order_created_at DateTime",
        "SELECT l.id, l.order_id, COALESCE(l.product_id, 0), COALESCE(l.seller_id, 0), COALESCE(p.category_id, 0), "
        "l.title, l.unit_price, l.quantity, l.line_total, "
        "to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM orders_orderline l "
        "JOIN orders_order o ON o.id = l.order_id LEFT JOIN catalog_product p ON p.id = l.product_id",
    ),
}


def _floor(env: dict) -> float:
    """The same rows moved by the plainest tools: psql's COPY piped into clickhouse-client."""
    parts = urlsplit(env["CLICKHOUSE_URL"])
    database = urlsplit(env["DATABASE_URL"])
    store = _clickhouse(env)
    started = time.monotonic()
    for table, (columns, select) in FLOOR_TABLES.items():
        store.execute(f"DROP TABLE IF EXISTS {table}")
        store.execute(f"CREATE TABLE {table} ({columns}) ENGINE = MergeTree ORDER BY tuple()")
        copy = subprocess.Popen(
            [
                "psql",
                "-X",
                "-q",
                "-h",
                database.hostname,
                "-U",
                database.username,
                "-d",
                database.path.lstrip("/"),
                "-c",
                f"COPY ({select}) TO STDOUT",
            ],
            stdout=subprocess.PIPE,
            env={**os.environ, "PGPASSWORD": database.password or ""},
        )
        subprocess.run(
            [
                "clickhouse-client",
                "--host",
                parts.hostname,
                "--port",
                str(parts.port),
                "--database",
                WAREHOUSE_DATABASE,
                "--query",
                f"INSERT INTO {table} FORMAT TabSeparated",
            ],
            stdin=copy.stdout,
            check=True,
        )
        copy.stdout.close()
        if copy.wait() != 0:
            raise RuntimeError(f"psql COPY for {table} failed")
    return time.monotonic() - started


def _job(shop, name: str) -> dict:
    with shop.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM finished_at - started_at), rows, details FROM analytics_jobrun "
            "WHERE job = %s AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
            [name],
        )
        seconds, rows, details = cursor.fetchone()
    shop.commit()
    start = (details or {}).get("spark_start_seconds")
    return {"seconds": float(seconds), "rows": sum((rows or {}).values()), "spark_start": start}


def fill_outbox(shop, count: int) -> None:
    """`count` product views in the outbox, over the last 30 days, from 500 shoppers."""
    with shop.cursor() as cursor:
        cursor.execute(
            "INSERT INTO shop_outboxevent "
            "(event_id, type, version, occurred_at, user_id, session_key, payload, attempts) "
            "SELECT gen_random_uuid(), 'product_viewed', 1, now() - (n %% 30) * interval '1 day', 1 + n %% 500, '', "
            "jsonb_build_object('product_id', 1 + n %% 1000, 'seller_id', 1, 'category_id', 1), 0 "
            "FROM generate_series(1, %s) AS n",
            [count],
        )
    shop.commit()


def _events(env: dict, shop) -> list[tuple[str, str, str]]:
    log(f"pipeline: relay and consumer, {RELAY_EVENTS:,} events")
    fill_outbox(shop, RELAY_EVENTS)
    relay = _timed(lambda: manage(env, "relay_events", "--batch-size", "5000"))
    consume = _timed(lambda: manage(env, "consume_events", "--idle", "3"))
    consume -= 3  # the quiet seconds it waits before stopping
    return [
        ("relay: outbox → Kafka", f"{relay:.1f} s", _rate(RELAY_EVENTS, relay, "events")),
        ("consumer: Kafka → ClickHouse raw_events", f"{consume:.1f} s", _rate(RELAY_EVENTS, consume, "events")),
    ]


def _dashboard(env: dict) -> list[tuple[str, str, str]]:
    log(f"pipeline: {RAW_EVENTS:,} raw events, their aggregates, the dashboard")
    store = _clickhouse(env)
    store.execute(
        "INSERT INTO raw_events (event_id, type, version, occurred_at, user_id, session, payload, received_at) "
        "SELECT generateUUIDv4(), "
        "['product_viewed', 'product_viewed', 'cart_item_added', 'search_performed'][1 + number % 4], "
        "1, toDateTime(now() - 86400 * (number % 365) - number % 86400), number % 10000, '', "
        "concat('{\"product_id\":', toString(1 + number % 1000), '}'), now() "
        f"FROM numbers({int(RAW_EVENTS)})"
    )
    started = time.monotonic()
    manage(env, "analytics_run", "--job", "data_aggregation", "--rebuild")
    aggregation = time.monotonic() - started
    probe = (
        subprocess.run(
            [sys.executable, "-m", "bench.dashboard_probe"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        .stdout.strip()
        .splitlines()
    )
    figures = [(f"aggregation of every day over {RAW_EVENTS:,} raw events (command)", f"{aggregation:.1f} s", "")]
    for line in probe:
        who, p50, p95 = line.split()
        figures.append(
            (f"dashboard page, {who} (a year, by day)", f"p50 {float(p50):.0f} ms", f"p95 {float(p95):.0f} ms")
        )
    return figures


def _timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def _rate(count: float, seconds: float, unit: str = "rows") -> str:
    return f"{count / seconds:,.0f} {unit}/s" if seconds > 0 else ""


def _print(figures: list[tuple[str, str, str]]) -> None:
    print("\n## Pipeline\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(
        f"{LINES:,} order lines ({LINES // 4:,} orders) on PostgreSQL · ClickHouse 18.16 · Spark local[*] · "
        f"load average at the end {os.getloadavg()[0]:.1f}\n"
    )
    print("| step | time | rate |")
    print("|---|---:|---:|")
    for name, spent, rate in figures:
        print(f"| {name} | {spent} | {rate} |")
