"""The load benchmark: Locust's shopper mix against gunicorn, stepping up the users until the knee.

Loads LOAD_PRODUCTS products (100k) and LOAD_BUYERS buyers (10k) into a database of
its own, indexes them in OpenSearch, serves the site with gunicorn on PostgreSQL,
Redis and OpenSearch with a Celery worker (events go to the outbox as always), and runs
bench/locustfile.py headless for LOAD_STEP_SECONDS at each user count in
LOAD_USERS. For each step: throughput, p50/p95/p99 and errors, overall and per
request kind, and how busy the machine's CPUs were.
"""

import contextlib
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, WORKERS, ensure_database, environment, log, manage
from shop.testing import gunicorn

PRODUCTS = int(os.environ.get("LOAD_PRODUCTS", "100000"))
BUYERS = int(os.environ.get("LOAD_BUYERS", "10000"))
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "10,25,50,100,200").split(",")]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "40"))


def run() -> None:
    env = environment("shop_bench_load", keep=("REDIS_URL", "CELERY_BROKER_URL", "SEARCH_URL"))
    # Every simulated shopper logs in from 127.0.0.1: the per-address login throttle
    # (10/min) would refuse nearly all of them, which measures the throttle, not the shop.
    env["LOGIN_THROTTLE_RATE"] = "100000/min"
    ensure_database(env["DATABASE_URL"])
    log(f"load: migrating, {PRODUCTS:,} products, {BUYERS:,} buyers")
    manage(env, "migrate", "-v0")
    manage(
        env, "seed_demo", "--products", str(PRODUCTS), "--buyers", str(BUYERS), "--orders", "0", "--reviews", "0", "-v0"
    )
    log("load: indexing products in OpenSearch")
    manage(env, "search_index", "--rebuild", "--type", "products")
    product_ids = _product_ids(env)
    tokens = _issue_tokens(env, min(BUYERS, 2000))
    steps = []
    with celery_worker(env), gunicorn("bench.wsgi", env, workers=WORKERS) as base:
        for users in USERS:
            log(f"load: {users} users for {STEP_SECONDS} s")
            steps.append(_step(base, users, product_ids, tokens))
    _report(steps)


@contextlib.contextmanager
def celery_worker(env: dict):
    """The worker that takes search-index updates off the requests, as in production."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=warning"],
        env={**env, "CELERY_METRICS_PORT": "0"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _product_ids(env: dict) -> str:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute("SELECT id FROM catalog_product WHERE is_active AND stock > 0 ORDER BY random() LIMIT 2000")
        return ",".join(str(row[0]) for row in rows)


def _issue_tokens(env: dict, count: int) -> str:
    """Access tokens for buyer1..count, written to a file the shoppers read."""
    script = (
        "from accounts.models import User\n"
        "from rest_framework_simplejwt.tokens import AccessToken\n"
        f"emails = [f'buyer{{n}}@example.com' for n in range(1, {count} + 1)]\n"
        "print('\\n'.join(str(AccessToken.for_user(user)) for user in User.objects.filter(email__in=emails)))\n"
    )
    path = Path(tempfile.gettempdir()) / "bazaar-load-tokens.txt"
    tokens = [line for line in manage(env, "shell", "-c", script).split() if line.startswith("eyJ")]
    path.write_text("\n".join(tokens))
    return str(path)


def _cpu_busy() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _step(base: str, users: int, product_ids: str, tokens: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "step")
        busy_before, total_before = _cpu_busy()
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{STEP_SECONDS}s", "--host", base,
                "--csv", prefix, "--only-summary", "--loglevel", "WARNING",
            ],
            env={**os.environ, "LOAD_BUYERS": str(BUYERS), "LOAD_PRODUCT_IDS": product_ids, "LOAD_TOKENS_FILE": tokens},
            check=False,
            capture_output=True,
            timeout=STEP_SECONDS + 120,
        )  # fmt: skip
        busy_after, total_after = _cpu_busy()
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    return {
        "users": users,
        "cpu": 100 * (busy_after - busy_before) / max(1, total_after - total_before),
        "rows": {row["Name"]: row for row in rows},
    }


def _figures(row: dict) -> str:
    count = int(row["Request Count"])
    failures = int(row["Failure Count"])
    return (
        f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
        f"{failures} ({100 * failures / max(1, count):.2f}%)"
    )


def _report(steps: list[dict]) -> None:
    print("\n## Load (Locust)\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(
        f"gunicorn {WORKERS} sync workers · {PRODUCTS:,} products, {BUYERS:,} buyers on PostgreSQL, Redis, "
        f"OpenSearch · {STEP_SECONDS} s per step · bench/locustfile.py\n"
    )
    print("| users | req/s | p50 ms | p95 ms | p99 ms | failures | CPU busy |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for step in steps:
        print(f"| {step['users']} | {_figures(step['rows']['Aggregated'])} | {step['cpu']:.0f}% |")
    for step in steps:
        print(f"\n### {step['users']} users, by request kind\n")
        print("| request | req/s | p50 ms | p95 ms | p99 ms | failures |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, row in sorted(step["rows"].items()):
            if name != "Aggregated":
                print(f"| {name} | {_figures(row)} |")


if __name__ == "__main__":
    started = time.monotonic()
    run()
    log(f"load: done in {time.monotonic() - started:.0f} s")
