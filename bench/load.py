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

from bench import cpu_share
from bench import profile as bench_profile
from bench.common import DEMO_PASSWORD, ROOT, WORKERS, ensure_database, environment, log, manage, seed_demo
from shop.testing import gunicorn

PRODUCTS = int(os.environ.get("LOAD_PRODUCTS", "100000"))
BUYERS = int(os.environ.get("LOAD_BUYERS", "10000"))
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "30,60,75,90,120,150").split(",")]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "40"))
# After the measured steps, one more at this many users with py-spy sampling the server (it costs
# CPU, so that step's figures stay out of the table).
PROFILE_AT = int(os.environ.get("LOAD_PROFILE", "60"))
# Every account gets this run's password (an earlier run's users keep the password of that run, which
# was random too), hashed once by today's hasher: a hash of an older hasher would be re-hashed at its
# first login, paying twice. Measure the steady state.
REHASH = (
    "from django.contrib.auth.hashers import make_password\n"
    "from accounts.models import User\n"
    "import os\n"
    "User.objects.update(password=make_password(os.environ['DEMO_PASSWORD']))\n"
)


def run() -> None:
    env = environment("_load", keep=("REDIS_URL", "CELERY_BROKER_URL", "SEARCH_URL"))
    # Every simulated shopper logs in from 127.0.0.1: the per-address login throttle
    # (10/min) would refuse nearly all of them, which measures the throttle, not the shop.
    env["LOGIN_THROTTLE_RATE"] = "100000/min"
    env["LOGIN_ACCOUNT_THROTTLE_RATE"] = "100000/min"
    # Simulated buyers check out over and over and never pay: the cap on unpaid orders would turn
    # their checkouts into 409s, which measures the cap, not the shop.
    env["MAX_UNPAID_ORDERS"] = "1000000"
    ensure_database(env["DATABASE_URL"])
    log(f"load: migrating, {PRODUCTS:,} products, {BUYERS:,} buyers")
    manage(env, "migrate", "-v0")
    seed_demo(
        env,
        "--products",
        str(PRODUCTS),
        "--buyers",
        str(BUYERS),
        "--orders",
        "0",
        "--reviews",
        "0",
        "--no-pictures",
        "-v0",
    )
    manage(env, "shell", "-c", REHASH)
    log("load: indexing products in OpenSearch")
    manage(env, "search_index", "--rebuild", "--type", "products")
    products = _products(env)
    tokens = _issue_tokens(env, min(BUYERS, 2000))
    steps = []
    profile = Path(tempfile.gettempdir()) / "bazaar-load-profile.txt"
    with celery_worker(env), gunicorn("bench.wsgi", env, workers=WORKERS) as base:
        for users in USERS:
            log(f"load: {users} users for {STEP_SECONDS} s")
            steps.append(_step(base, users, products, tokens))
        if PROFILE_AT:
            log(f"load: {PROFILE_AT} users for {STEP_SECONDS} s, sampled by py-spy")
            with _sampling(base, profile):
                _step(base, PROFILE_AT, products, tokens)
    _report(steps)
    if PROFILE_AT:
        print(f"\n### Profile at {PROFILE_AT} users (py-spy, all gunicorn workers)")
        bench_profile.report(profile)


@contextlib.contextmanager
def _sampling(base: str, output: Path):
    """py-spy on the server for the middle of the step (after the users have started)."""
    import threading

    port = base.rsplit(":", 1)[1]
    master = int(subprocess.check_output(["pgrep", "-f", f"gunicorn bench.wsgi -b 127.0.0.1:{port}"]).split()[0])
    sampler = threading.Timer(STEP_SECONDS / 4, bench_profile.record, (master, STEP_SECONDS // 2, output))
    sampler.start()
    try:
        yield
    finally:
        sampler.join()


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


def _products(env: dict) -> str:
    """Products in stock, as the shoppers' links name them ("id /products/id/slug/" a line), in a file."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT id, slug FROM catalog_product WHERE is_active AND stock > 0 ORDER BY random() LIMIT 2000"
        ).fetchall()
    path = Path(tempfile.gettempdir()) / "bazaar-load-products.txt"
    path.write_text("\n".join(f"{pk} /products/{pk}/{slug}/" for pk, slug in rows))
    return str(path)


def _issue_tokens(env: dict, count: int) -> str:
    """Access tokens for buyer1..count ("email token" a line), written to a file the shoppers read."""
    script = (
        "from accounts.models import User\n"
        "from rest_framework_simplejwt.tokens import AccessToken\n"
        f"emails = [f'buyer{{n}}@example.com' for n in range(1, {count} + 1)]\n"
        "for user in User.objects.filter(email__in=emails):\n"
        "    print(user.email, AccessToken.for_user(user))\n"
    )
    path = Path(tempfile.gettempdir()) / "bazaar-load-tokens.txt"
    lines = [line for line in manage(env, "shell", "-c", script).splitlines() if " eyJ" in line]
    path.write_text("\n".join(lines))
    return str(path)


def _cpu_busy() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _step(base: str, users: int, products: str, tokens: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "step")
        busy_before, total_before = _cpu_busy()
        with cpu_share.Account() as programs:
            subprocess.run(
                [
                    sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{STEP_SECONDS}s", "--host", base,
                    "--csv", prefix, "--only-summary", "--loglevel", "WARNING",
                ],
                env={**os.environ, "DEMO_PASSWORD": DEMO_PASSWORD, "LOAD_BUYERS": str(BUYERS),
                     "LOAD_PRODUCTS_FILE": products, "LOAD_TOKENS_FILE": tokens},
                check=False,
                capture_output=True,
                timeout=STEP_SECONDS + 120,
            )  # fmt: skip
        busy_after, total_after = _cpu_busy()
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        with open(f"{prefix}_failures.csv", newline="") as handle:
            failures = list(csv.DictReader(handle))
    return {
        "users": users,
        "cpu": 100 * (busy_after - busy_before) / max(1, total_after - total_before),
        "rows": {row["Name"]: row for row in rows},
        "failures": failures,
        "programs": programs.shares(),
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
        print("\nWhere the machine's CPU went (percent of both cores):", end=" ")
        print(" · ".join(f"{program} {share:.0f}%" for program, share in step["programs"] if share >= 0.5))
        for failure in step["failures"]:
            print(f"\nFailed {failure['Occurrences']}× · {failure['Name']}: `{failure['Error'][:160]}`")


if __name__ == "__main__":
    started = time.monotonic()
    run()
    log(f"load: done in {time.monotonic() - started:.0f} s")
