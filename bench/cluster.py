"""The cluster benchmark (`BENCH_ONLY=cluster make bench`): what the cluster topology costs and
what it buys, measured side by side in one run on one machine.

Needs the cluster topology (`make cluster`: .env.cluster) and the single-node stack (.env.stack).
In a database of its own, loads BENCH_ORDER_LINES order lines (1M by default), then:

- the historical migration and the hourly chain (after 1% of the orders changed) with Spark in
  local mode, then on the two-worker standalone cluster, into one ClickHouse; and on the
  cluster into the replicated, sharded ClickHouse (two shards × two replicas);
- the relay (outbox → Kafka) into a topic of replication factor 1 and one of 3 (acks=all,
  min.insync.replicas 2) on the three brokers, and the consumers (Kafka → ClickHouse) with one
  process, then two in one group;
- the dashboard's latency on one ClickHouse and through the distributed tables, over the same
  aggregates.
"""

import os
import platform
import subprocess
import sys
import time
import uuid

from bench.common import ROOT, ensure_database, environment, log, manage, seed_demo
from bench.pipeline import _connect, _job, _rate, _timed, fill_outbox
from shop.testing import cluster_settings, generate_orders

LINES = int(os.environ.get("BENCH_ORDER_LINES", "1000000"))
EVENTS = int(os.environ.get("BENCH_CLUSTER_EVENTS", "100000"))
DATABASE = "shop_bench_cluster"


def run() -> None:
    topology = cluster_settings()
    if not topology.get("SPARK_MASTER"):
        sys.exit("the cluster benchmark needs the cluster topology: run `make cluster` first")
    env = environment(DATABASE, keep=("CLICKHOUSE_URL",))
    ensure_database(env["DATABASE_URL"])
    log("cluster: migrating and loading the catalogue")
    manage(env, "migrate", "-v0")
    seed_demo(env, "--products", "1000", "--orders", "0", "--reviews", "0", "-v0")
    shop = _connect(env)
    with shop.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_orderline, orders_orderstatuschange, orders_order, shop_outboxevent, "
            "analytics_jobrun, analytics_watermark, analytics_pipelinelock, analytics_pipelinerun CASCADE"
        )
    shop.commit()
    log(f"cluster: generating {LINES:,} order lines")
    generate_orders(shop, LINES)

    single = env["CLICKHOUSE_URL"].rsplit("/", 1)[0]
    base, _, query = topology["CLICKHOUSE_URL"].partition("?")
    spark_cluster = {"SPARK_MASTER": topology["SPARK_MASTER"], "SPARK_DRIVER_HOST": "127.0.0.1"}
    setups = {
        "Spark local[*], one ClickHouse": {"CLICKHOUSE_URL": f"{single}/bench_cluster_local"},
        "Spark on 2 workers, one ClickHouse": {**spark_cluster, "CLICKHOUSE_URL": f"{single}/bench_cluster_workers"},
        "Spark on 2 workers, ClickHouse 2 shards × 2 replicas": {
            **spark_cluster,
            "CLICKHOUSE_URL": f"{base.rsplit('/', 1)[0]}/bench_cluster_sharded?{query}",
            "CLICKHOUSE_CLUSTER": topology["CLICKHOUSE_CLUSTER"],
        },
    }
    figures: list[tuple[str, str, str]] = []
    for name, settings in setups.items():
        figures += _chain(name, {**env, **settings}, shop)
    figures += _events(env, shop, topology, setups)
    for name in (list(setups)[1], list(setups)[2]):
        figures += _dashboard(name, {**env, **setups[name]})
    _print(figures)


def _drop_warehouse(env: dict) -> None:
    from clickhouse_driver import Client

    from analytics.warehouse import database_of

    code = (
        "from analytics import schema; from django.conf import settings; "
        "nodes = schema.cluster_nodes() if settings.CLICKHOUSE_CLUSTER else []; "
        f"[node.execute('DROP DATABASE IF EXISTS {database_of(env['CLICKHOUSE_URL'])}') for node in nodes]"
    )
    if env.get("CLICKHOUSE_CLUSTER"):
        manage(env, "shell", "-c", code)
    else:
        host, port = env["CLICKHOUSE_URL"].split("//", 1)[1].split("/", 1)[0].split(":")
        Client(host=host, port=int(port)).execute(f"DROP DATABASE IF EXISTS {database_of(env['CLICKHOUSE_URL'])}")


def _chain(name: str, env: dict, shop) -> list[tuple[str, str, str]]:
    log(f"cluster: {name}: the migration of {LINES:,} lines, then the hourly chain")
    _drop_warehouse(env)
    with shop.cursor() as cursor:
        cursor.execute("TRUNCATE analytics_jobrun, analytics_watermark, analytics_pipelinerun CASCADE")
    shop.commit()
    manage(env, "analytics_schema")
    migration_wall = _timed(lambda: manage(env, "analytics_migrate"))
    migration = _job(shop, "historical_migration")
    with shop.cursor() as cursor:
        cursor.execute("UPDATE orders_order SET updated_at = now() WHERE id % 100 = 0")
    shop.commit()
    chain_wall = _timed(lambda: manage(env, "analytics_run"))
    jobs = [_job(shop, job) for job in ("incremental_sync", "data_aggregation", "data_quality_check")]
    return [
        (
            f"{name}: historical migration (job)",
            f"{migration['seconds']:.1f} s",
            _rate(migration["rows"], migration["seconds"]),
        ),
        (f"{name}: migration chain, whole command (Spark's start, aggregation, check)", f"{migration_wall:.1f} s", ""),
        (
            f"{name}: hourly chain after 1% changed (sync + aggregation + check)",
            f"{sum(job['seconds'] for job in jobs):.1f} s",
            f"whole command {chain_wall:.1f} s",
        ),
    ]


def _events(env: dict, shop, topology: dict, setups: dict) -> list[tuple[str, str, str]]:
    log(f"cluster: relay and consumers, {EVENTS:,} events, replication factor 1 and 3")
    fill_outbox(shop, EVENTS)
    kafka = {"KAFKA_BOOTSTRAP_SERVERS": topology["KAFKA_BOOTSTRAP_SERVERS"], "KAFKA_PARTITIONS": "6"}
    figures = []
    topics = {}
    for replicas, in_sync in ((1, 1), (3, 2)):
        topic = f"bench-events-rf{replicas}-{uuid.uuid4().hex[:8]}"
        topics[replicas] = topic
        relay_env = {
            **env,
            **kafka,
            "KAFKA_EVENTS_TOPIC": topic,
            "KAFKA_REPLICATION_FACTOR": str(replicas),
            "KAFKA_MIN_INSYNC_REPLICAS": str(in_sync),
        }
        with shop.cursor() as cursor:
            cursor.execute("UPDATE shop_outboxevent SET published_at = NULL")
        shop.commit()
        spent = _timed(lambda env=relay_env: manage(env, "relay_events", "--batch-size", "5000"))
        figures.append(
            (f"relay: outbox → Kafka, replication factor {replicas}", f"{spent:.1f} s", _rate(EVENTS, spent, "events"))
        )
    sharded = setups["Spark on 2 workers, ClickHouse 2 shards × 2 replicas"]
    for consumers in (1, 2):
        consume_env = {
            **env,
            **kafka,
            **sharded,
            "CLICKHOUSE_URL": sharded["CLICKHOUSE_URL"].replace(
                "/bench_cluster_sharded?", f"/bench_cluster_events{consumers}?"
            ),
            "KAFKA_EVENTS_TOPIC": topics[3],
            "EVENTS_CONSUMER_GROUP": f"bench-{consumers}-{uuid.uuid4().hex[:8]}",
        }
        _drop_warehouse(consume_env)
        manage(consume_env, "analytics_schema")  # an empty warehouse for each: the same work to do
        spent = _consume(consume_env, consumers)
        figures.append(
            (
                f"consumers: Kafka (RF 3) → sharded ClickHouse, {consumers} in the group",
                f"{spent:.1f} s",
                _rate(EVENTS, spent, "events"),
            )
        )
    return figures


def _consume(env: dict, processes: int) -> float:
    """Wall time for `processes` consumers of one group to drain the topic (less their idle wait)."""
    idle = 3
    started = time.monotonic()
    running = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "consume_events", "--idle", str(idle)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(processes)
    ]
    for process in running:
        process.wait(timeout=1800)
    return time.monotonic() - started - idle


def _dashboard(name: str, env: dict) -> list[tuple[str, str, str]]:
    log(f"cluster: the dashboard, {name}")
    lines = subprocess.run(
        [sys.executable, "-m", "bench.dashboard_probe"], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split("\n")
    figures = []
    for line in filter(None, lines):
        who, p50, p95 = line.split()
        figures.append(
            (f"dashboard, {who}, a year by day: {name}", f"p50 {float(p50):.0f} ms", f"p95 {float(p95):.0f} ms")
        )
    return figures


def _print(figures: list[tuple[str, str, str]]) -> None:
    print("\n## Cluster\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"{LINES:,} order lines ({LINES // 4:,} orders), {EVENTS:,} events; the cluster topology of `make cluster`\n")
    print("| step | time | rate |")
    print("|---|---:|---:|")
    for name, spent, rate in figures:
        print(f"| {name} | {spent} | {rate} |")
