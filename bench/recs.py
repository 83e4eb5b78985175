"""`BENCH_ONLY=recs make bench`: the recommenders measured (docs/recommendations.md).

1. The offline evaluation on planted data (bench.recs_evaluation), in a database and a
   warehouse of its own.
2. Freshness: from an order placed through the API to its product on Trending, with the
   relay (`relay_events --follow`) and the Kafka consumer (`consume_events --follow`)
   running as in production and gunicorn serving the API; BENCH_FRESHNESS_ORDERS orders.
3. Cost: product_affinity and user_recommendations over the pipeline benchmark's order
   lines (BENCH_ORDER_LINES, 1M by default), then user_recommendations again once
   BENCH_RAW_EVENTS raw events (10M by default) are in the warehouse too.

Needs the PostgreSQL, Kafka and ClickHouse 18.16 that `scripts/stack up` starts.
"""

import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import requests

from bench import pipeline
from bench.common import ROOT, ensure_database, environment, log, manage, seed_demo
from shop.testing import gunicorn

EVALUATION_DATABASE = "bench_recs"
FRESHNESS_DATABASE = "bench_recs_fresh"
COST_DATABASE = "bench_recs_cost"
FRESHNESS_ORDERS = int(os.environ.get("BENCH_FRESHNESS_ORDERS", "5"))


def run() -> None:
    env = _environment(EVALUATION_DATABASE)
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "-v0")
    _drop_warehouse(env, EVALUATION_DATABASE)
    log("recs: offline evaluation (planted shop, time split)")
    subprocess.run([sys.executable, "-m", "bench.recs_evaluation"], env=env, check=True, cwd=ROOT)
    freshness = _freshness()
    cost = _cost()
    _print(freshness, cost)


def _environment(warehouse_database: str, shop_database: str = "shop_bench_recs") -> dict:
    env = environment(shop_database, keep=("CLICKHOUSE_URL", "KAFKA_BOOTSTRAP_SERVERS"))
    if not env.get("CLICKHOUSE_URL") or not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        sys.exit("the recommendations benchmark needs ClickHouse and Kafka (scripts/stack up clickhouse kafka)")
    env["CLICKHOUSE_URL"] = env["CLICKHOUSE_URL"].rsplit("/", 1)[0] + f"/{warehouse_database}"
    env["KAFKA_EVENTS_TOPIC"] = f"bench-recs-{uuid.uuid4().hex[:8]}"
    env["EVENTS_CONSUMER_GROUP"] = f"bench-recs-{uuid.uuid4().hex[:8]}"
    return env


def _clickhouse(env: dict, database: str = "default"):
    from clickhouse_driver import Client

    parts = urlsplit(env["CLICKHOUSE_URL"])
    return Client(host=parts.hostname, port=parts.port or 9000, database=database, send_receive_timeout=600)


def _drop_warehouse(env: dict, database: str) -> None:
    _clickhouse(env).execute(f"DROP DATABASE IF EXISTS {database}")


# --- freshness -------------------------------------------------------------------------


def _freshness() -> list[float]:
    """Seconds from each order's 201 to its product on GET /api/v1/products/trending."""
    log(f"recs: freshness, {FRESHNESS_ORDERS} orders through the API, relay and consumer running")
    env = _environment(FRESHNESS_DATABASE)
    seed_demo(env, "--products", "200", "--buyers", "3", "--orders", "0", "--reviews", "0", "--no-pictures", "-v0")
    _drop_warehouse(env, FRESHNESS_DATABASE)
    manage(env, "analytics_schema")
    manage(env, "relay_events")  # what the seed left in the outbox goes first, outside the clock
    followers = [
        _start(env, "relay_events", "--follow", "--interval", "1"),
        _start(env, "consume_events", "--follow"),
    ]
    seconds = []
    try:
        with gunicorn("config.wsgi", env, workers=2) as base:
            api = f"{base}/api/v1"
            token = requests.post(
                f"{api}/auth/login", json={"email": "buyer1@example.com", "password": env["DEMO_PASSWORD"]}, timeout=10
            ).json()["access"]
            headers = {"Authorization": f"Bearer {token}"}
            catalogue = requests.get(f"{api}/products", params={"in_stock": "true", "page_size": 50}, timeout=10)
            products = [item["id"] for item in catalogue.json()["results"] if item["stock"] >= 5]
            for product in products[:FRESHNESS_ORDERS]:
                seconds.append(_order_to_trending(api, headers, product))
                log(f"recs: product {product} trending {seconds[-1]:.1f} s after its order")
    finally:
        for process in followers:
            process.terminate()
            process.wait(timeout=30)
    return seconds


def _start(env: dict, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(  # our own interpreter and command
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _order_to_trending(api: str, headers: dict, product: int, timeout: float = 300) -> float:
    added = requests.post(f"{api}/cart", json={"product": product, "quantity": 1}, headers=headers, timeout=10)
    added.raise_for_status()
    placed = requests.post(f"{api}/purchases", headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, timeout=30)
    placed.raise_for_status()
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(requests.RequestException):
            shelf = requests.get(f"{api}/products/trending", params={"limit": 30}, timeout=10).json()
            if product in [item["id"] for item in shelf["results"]]:
                return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"product {product} was not trending {timeout:.0f} s after its order")


# --- cost --------------------------------------------------------------------------------


def _cost() -> list[tuple[str, str, str]]:
    """The two jobs over the pipeline benchmark's data, generated the same way into a database and a
    warehouse of this benchmark's own (so it may run beside the pipeline benchmark)."""
    env = _environment(COST_DATABASE, "shop_bench_recs_cost")
    env["SPARK_JDBC_PARTITIONS"] = env.get("SPARK_JDBC_PARTITIONS", "4")
    ensure_database(env["DATABASE_URL"])
    log("recs: cost, on the pipeline benchmark's data")
    manage(env, "migrate", "-v0")
    seed_demo(env, "--products", "1000", "--orders", "0", "--reviews", "0", "--no-pictures", "-v0")
    shop = pipeline._connect(env)
    _drop_warehouse(env, COST_DATABASE)
    with shop.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_orderline, orders_orderstatuschange, orders_order, shop_outboxevent, "
            "analytics_jobrun, analytics_watermark, analytics_pipelinelock, analytics_pipelinerun CASCADE"
        )
    shop.commit()
    manage(env, "analytics_schema")
    log(f"recs: generating {pipeline.LINES:,} order lines and syncing them")
    pipeline._generate_orders(shop, pipeline.LINES)
    manage(env, "analytics_run", "--job", "incremental_sync")
    figures = []
    for job in ("product_affinity", "user_recommendations"):
        wall = _timed(lambda job=job: manage(env, "analytics_run", "--job", job, "--rebuild"))
        done = pipeline._job(shop, job)
        figures.append(
            (f"{job}, {pipeline.LINES:,} lines (job)", f"{done['seconds']:.1f} s", f"{done['rows']:,} rows written")
        )
        figures.append((f"{job} (command, with Spark's start)", f"{wall:.1f} s", ""))
    log(f"recs: {pipeline.RAW_EVENTS:,} raw events, then user_recommendations again")
    _clickhouse(env, COST_DATABASE).execute(
        "INSERT INTO raw_events (event_id, type, version, occurred_at, user_id, session, payload, received_at) "
        "SELECT generateUUIDv4(), ['product_viewed', 'product_viewed', 'cart_item_added'][1 + number % 3], "
        "1, toDateTime(now() - 86400 * (number % 365) - number % 86400), 1 + number % 10000, '', "
        # each of the 10,000 shoppers looks at 40 products of their own, 25 times each over the year
        "concat('{\"product_id\":', toString(1 + (intHash32(number % 10000) + intDiv(number, 10000) % 40) % 997), "
        "'}'), now() "
        f"FROM numbers({int(pipeline.RAW_EVENTS)})"
    )
    manage(env, "analytics_run", "--job", "user_recommendations", "--rebuild")
    done = pipeline._job(shop, "user_recommendations")
    figures.append(
        (
            f"user_recommendations, the lines and {pipeline.RAW_EVENTS:,} events (job)",
            f"{done['seconds']:.1f} s",
            f"{done['rows']:,} rows written",
        )
    )
    return figures


def _timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def _print(freshness: list[float], cost: list[tuple[str, str, str]]) -> None:
    print("\n## Recommendations: freshness and cost\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}\n")
    if freshness:
        print(
            f"Order placed → its product on Trending (API), {len(freshness)} orders: "
            f"median {statistics.median(freshness):.1f} s, slowest {max(freshness):.1f} s "
            f"(each: {', '.join(f'{value:.1f}' for value in freshness)} s)\n"
        )
    print("| step | time | |")
    print("|---|---:|---:|")
    for name, spent, note in cost:
        print(f"| {name} | {spent} | {note} |")


if __name__ == "__main__":
    run()
