"""The catalogue benchmark: the storefront pages next to their JSON twins, the API lists next to a bare
DRF list over the same table.

Loads 10k products into a separate database, serves the site with gunicorn (on PostgreSQL and the
Redis cache, as deployed) and drives each endpoint in turn with wrk from the same machine,
interleaved, in several rounds, so the ratios hold even on a noisy machine. Each target's figure is
printed next to its floor (bench/twins.py).
"""

import os
import platform

import requests

from bench import twins
from bench.common import (
    CONNECTIONS,
    DURATION,
    ROUNDS,
    WORKERS,
    ensure_database,
    ensure_wrk,
    environment,
    log,
    manage,
    seed_demo,
    table,
    targets_table,
    wrk,
)
from shop.testing import gunicorn

PORT = int(os.environ.get("BENCH_PORT", "8799"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "10000"))


def run() -> None:
    env = environment("", keep=("REDIS_URL",))
    # Like for like with the bare view, which counts its rows on every request: no shared count.
    env["CATALOGUE_COUNT_SECONDS"] = "0"
    ensure_database(env["DATABASE_URL"])
    log("catalogue: migrating and loading demo data")
    manage(env, "migrate", "-v0")
    seed_demo(
        env,
        "--products",
        str(PRODUCTS),
        "--orders",
        "40",
        "--reviews",
        "200",
        "--no-pictures",
        "-v0",
    )
    wrk_binary = ensure_wrk()
    with gunicorn("bench.wsgi", env, workers=WORKERS, port=PORT) as base:
        targets = twins.targets(lambda path: requests.get(base + path, timeout=10), search=False)
        only = [name for name in os.environ.get("BENCH_ENDPOINTS", "").split(",") if name]
        if only:  # a quick look at some rows and what they are compared with
            wanted = set(only) | {twins.twin_of(name) for name in only}
            targets = {name: path for name, path in targets.items() if name in wanted}
        for path in targets.values():  # warm every worker's connections and caches
            for _ in range(WORKERS * 2):
                requests.get(base + path, timeout=10).raise_for_status()
        results: dict[str, list[dict]] = {name: [] for name in targets}
        for round_number in range(ROUNDS):
            for name, path in targets.items():
                log(f"catalogue round {round_number + 1}/{ROUNDS}: {name}")
                results[name].append(wrk(wrk_binary, base + path))
    print("\n## Catalogue\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(
        f"gunicorn {WORKERS} sync workers · wrk -t2 -c{CONNECTIONS} -d{DURATION} · "
        f"{PRODUCTS} products on PostgreSQL, Redis cache · median of {ROUNDS} interleaved rounds · "
        f"load average at the end {os.getloadavg()[0]:.1f}\n"
    )
    table(results, twins.twin_of, "vs its floor")
    print()
    targets_table(results)
