"""`make bench`: catalogue throughput and latency on PostgreSQL under gunicorn.

Loads 10k products into a separate database, serves the site with gunicorn and
drives each endpoint in turn with wrk from the same machine. The bare DRF list
over the same table runs in the same session, interleaved, so the ratio holds
even on a noisy machine. Prints a Markdown table for docs/benchmarks.md.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from shop.testing import gunicorn

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8799"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "10000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) * 2 + 1)))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    if not parts.scheme.startswith("postgres"):
        sys.exit("make bench needs PostgreSQL (scripts/stack up postgres writes DATABASE_URL)")
    return urlunsplit(parts._replace(path="/shop_bench"))


def ensure_database(url: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'shop_bench'").fetchone():
            conn.execute("CREATE DATABASE shop_bench")


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        log("installing wrk (Debian package)")
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def wrk(binary: str, url: str) -> dict:
    output = subprocess.run(
        [binary, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", str(ROOT / "bench" / "percentiles.lua"), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    env = {**os.environ, "DATABASE_URL": bench_database_url(), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env.pop("REDIS_URL", None)
    ensure_database(env["DATABASE_URL"])
    manage = [sys.executable, str(ROOT / "manage.py")]
    log("migrating and loading demo data")
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--products", str(PRODUCTS), "--orders", "40", "--reviews", "200", "-v0"],
        env=env,
        check=True,
    )
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
                log(f"round {round_number + 1}/{ROUNDS}: {name}")
                results[name].append(wrk(wrk_binary, base + path))
    report(results)


def report(results: dict[str, list[dict]]) -> None:
    def best(runs: list[dict]) -> dict:
        """The median round by throughput: one lucky or unlucky round does not decide."""
        return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]

    floor = best(results["bare DRF list (floor)"])["rps"]
    print(f"\nMachine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(
        f"gunicorn {WORKERS} sync workers · wrk -t2 -c{CONNECTIONS} -d{DURATION} · "
        f"{PRODUCTS} products on PostgreSQL · median of {ROUNDS} interleaved rounds\n"
    )
    print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | vs bare list |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        run = best(runs)
        print(
            f"| {name} | {run['rps']:.0f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} | {run['p99_ms']:.1f} "
            f"| {sum(r['errors'] for r in runs)} | {run['rps'] / floor:.2f}× |"
        )


if __name__ == "__main__":
    main()
