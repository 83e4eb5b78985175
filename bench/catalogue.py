"""The catalogue benchmark: our list and pages next to a bare DRF list over the same table.

Loads 10k products into a separate database, serves the site with gunicorn and
drives each endpoint in turn with wrk from the same machine, interleaved, in
several rounds, so the ratio holds even on a noisy machine.
"""

import os
import platform

import requests

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
    table,
    wrk,
)
from shop.testing import gunicorn

PORT = int(os.environ.get("BENCH_PORT", "8799"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "10000"))


def run() -> None:
    env = environment("")
    # Like for like with the bare view, which counts its rows on every request: no shared count.
    env["CATALOGUE_COUNT_SECONDS"] = "0"
    ensure_database(env["DATABASE_URL"])
    log("catalogue: migrating and loading demo data")
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo", "--products", str(PRODUCTS), "--orders", "40", "--reviews", "200", "--no-pictures", "-v0")
    wrk_binary = ensure_wrk()
    with gunicorn("bench.wsgi", env, workers=WORKERS, port=PORT) as base:
        product_id = requests.get(f"{base}/api/v1/products?page_size=1", timeout=5).json()["results"][0]["id"]
        slug_url = requests.get(f"{base}/products/{product_id}/", timeout=5, allow_redirects=False).headers["Location"]
        targets = {
            "bare DRF list (floor)": "/bench/bare-products",
            "API product list": "/api/v1/products",
            "API product list, filtered + sorted": "/api/v1/products?in_stock=true&min_price=10&ordering=price",
            "catalogue page": "/products/",
            "API product detail": f"/api/v1/products/{product_id}",
            "product page": slug_url,
        }
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
        f"{PRODUCTS} products on PostgreSQL · median of {ROUNDS} interleaved rounds\n"
    )
    table(results, lambda name: "bare DRF list (floor)", "vs bare list")
