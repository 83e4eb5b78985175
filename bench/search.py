"""The search benchmark: our search API next to the same query sent straight to OpenSearch.

Loads 100k products into a separate database, measures the bulk rebuild of the
index (documents per second), then drives `GET /api/v1/search` through gunicorn
and the identical request body POSTed to the node, interleaved, with wrk.
"""

import os
import re
from urllib.parse import urlencode

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

PORT = int(os.environ.get("BENCH_SEARCH_PORT", "8798"))
INDEX_PREFIX = os.environ.get("BENCH_SEARCH_INDEX_PREFIX", "bench")
PRODUCTS = int(os.environ.get("BENCH_SEARCH_PRODUCTS", "100000"))
QUERIES = {
    "one word": {"q": "kettle"},
    "typo, two words": {"q": "stainles kettle"},
    "word + filters + facets": {"q": "lamp", "in_stock": True, "max_price": 500},
}


def run() -> None:
    if not os.environ.get("SEARCH_URL"):
        log("search: SEARCH_URL is empty (scripts/stack up search sets it); skipped")
        return
    env = {**environment("_search", keep=("SEARCH_URL",)), "SEARCH_INDEX_PREFIX": INDEX_PREFIX}
    ensure_database(env["DATABASE_URL"])
    log(f"search: loading {PRODUCTS} products")
    manage(env, "migrate", "-v0")
    manage(
        {**env, "SEARCH_URL": ""},
        "seed_demo",
        "--products",
        str(PRODUCTS),
        "--orders",
        "0",
        "--reviews",
        "0",
        "--no-pictures",
        "-v0",
    )
    log("search: rebuilding the products index")
    report = manage(env, "search_index", "--rebuild", "--type", "products", "-v0")
    rate = re.search(r"indexed (\d+) documents in ([\d.]+)s \((\d+)/s\)", report)
    wrk_binary = ensure_wrk()
    engine_url = f"{os.environ['SEARCH_URL']}/{INDEX_PREFIX}-products/_search"
    results: dict[str, list[dict]] = {}
    with gunicorn("bench.wsgi", env, workers=WORKERS, port=PORT) as base:
        bodies = {name: _engine_body(env, query) for name, query in QUERIES.items()}
        for name, query in QUERIES.items():
            api_url = _api_url(base, query)
            assert requests.get(api_url, timeout=10).json()["engine"] == "search"
            results[f"{name}: OpenSearch direct"] = []
            results[f"{name}: our API"] = []
        for round_number in range(ROUNDS):
            for name, query in QUERIES.items():
                log(f"search round {round_number + 1}/{ROUNDS}: {name}")
                api_url = _api_url(base, query)
                results[f"{name}: OpenSearch direct"].append(wrk(wrk_binary, engine_url, post_json=bodies[name]))
                results[f"{name}: our API"].append(wrk(wrk_binary, api_url))
    print("\n## Search\n")
    if rate:
        print(f"Bulk rebuild: {rate.group(1)} products in {rate.group(2)} s = **{rate.group(3)} documents/s**\n")
    print(
        f"{PRODUCTS} products · gunicorn {WORKERS} sync workers · wrk -t2 -c{CONNECTIONS} -d{DURATION} · "
        f"median of {ROUNDS} interleaved rounds; each API row is compared with the same query sent to OpenSearch\n"
    )
    table(results, lambda name: name.replace(": our API", ": OpenSearch direct"), "API vs direct")


def _api_url(base: str, query: dict) -> str:
    return f"{base}/api/v1/search?" + urlencode({key: str(value).lower() for key, value in query.items()})


def _engine_body(env: dict, query: dict) -> dict:
    """The exact body our API sends for `query`, asked from the app itself."""
    import json

    code = (
        "import json; from catalog.search.engine import request_body; from catalog.search.results import SearchParams;"
        f"print(json.dumps(request_body(SearchParams(**{query!r}))))"
    )
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
