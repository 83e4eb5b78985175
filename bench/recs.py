"""`BENCH_ONLY=recs make bench`: the recommenders measured (docs/recommendations.md).

- the offline evaluation on planted data (bench.recs_evaluation), in a database and a
  warehouse of its own;
- freshness: from an order placed through the API to its product on Trending, with the
  relay and the Kafka consumer running as in production;
- cost: the product_affinity and user_recommendations jobs over the pipeline benchmark's
  1M order lines (and again once its 10M raw events are in).
"""

import os
import subprocess
import sys
import uuid

from bench.common import ROOT, ensure_database, environment, log, manage

WAREHOUSE_DATABASE = "bench_recs"


def run() -> None:
    env = _environment()
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "-v0")
    _reset(env)
    log("recs: offline evaluation (planted shop, time split)")
    subprocess.run([sys.executable, "-m", "bench.recs_evaluation"], env=env, check=True, cwd=ROOT)


def _environment() -> dict:
    env = environment("shop_bench_recs", keep=("CLICKHOUSE_URL", "KAFKA_BOOTSTRAP_SERVERS"))
    if not env.get("CLICKHOUSE_URL"):
        sys.exit("the recommendations benchmark needs ClickHouse (scripts/stack up clickhouse)")
    env["CLICKHOUSE_URL"] = env["CLICKHOUSE_URL"].rsplit("/", 1)[0] + f"/{WAREHOUSE_DATABASE}"
    env["KAFKA_EVENTS_TOPIC"] = f"bench-recs-{uuid.uuid4().hex[:8]}"
    env["EVENTS_CONSUMER_GROUP"] = f"bench-recs-{uuid.uuid4().hex[:8]}"
    return env


def _reset(env: dict) -> None:
    from urllib.parse import urlsplit

    from clickhouse_driver import Client

    parts = urlsplit(env["CLICKHOUSE_URL"])
    Client(host=parts.hostname, port=parts.port or 9000).execute(f"DROP DATABASE IF EXISTS {WAREHOUSE_DATABASE}")
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as shop:
        shop.execute("TRUNCATE analytics_jobrun, analytics_pipelinelock, analytics_pipelinerun CASCADE")


if __name__ == "__main__":
    os.environ.setdefault("BENCH_ONLY", "recs")
    run()
