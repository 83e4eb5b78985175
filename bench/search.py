"""The search benchmark: our search API next to the same query sent straight to OpenSearch, and the
search page next to our search API.

Loads 100k products into a separate database, measures the bulk rebuild of the index (documents per
second), then drives, interleaved, with wrk: the identical request body POSTed to the node, `GET
/api/v1/search` through the whole app (as deployed: the engine's answers kept until the index
changes), the same with nothing kept (a second server with SEARCH_CACHE_SECONDS=0: every request
asks the engine, the cost of a search not asked before), and the search page.
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
    median,
    seed_demo,
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
DIRECT, API, API_UNKEPT, PAGE = "OpenSearch direct", "our API", "our API, nothing kept", "search page"
# row kind → (what it is compared with, the lowest ratio wanted; None: shown for the record)
COMPARED = {API: (DIRECT, 0.8), API_UNKEPT: (DIRECT, None), PAGE: (API, 0.8)}
P95_WANTED_MS = 60


def run() -> None:
    if not os.environ.get("SEARCH_URL"):
        log("search: SEARCH_URL is empty (scripts/stack up search sets it); skipped")
        return
    env = {**environment("_search", keep=("SEARCH_URL", "REDIS_URL")), "SEARCH_INDEX_PREFIX": INDEX_PREFIX}
    ensure_database(env["DATABASE_URL"])
    log(f"search: loading {PRODUCTS} products")
    manage(env, "migrate", "-v0")
    seed_demo(
        {**env, "SEARCH_URL": ""},
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
    unkept_env = {**env, "SEARCH_CACHE_SECONDS": "0"}
    with (
        gunicorn("bench.wsgi", env, workers=WORKERS, port=PORT) as base,
        gunicorn("bench.wsgi", unkept_env, workers=WORKERS, port=PORT + 1) as unkept,
    ):
        bodies = {name: _engine_body(env, query) for name, query in QUERIES.items()}
        paths = {}
        for name, query in QUERIES.items():
            paths[name] = {
                DIRECT: engine_url,
                API: _api_url(base, query),
                API_UNKEPT: _api_url(unkept, query),
                PAGE: _api_url(base, query).replace("/api/v1/search?", "/search/?"),
            }
            for kind, url in paths[name].items():
                if kind != DIRECT:
                    answer = requests.get(url, timeout=10)
                    answer.raise_for_status()
                    assert kind == PAGE or answer.json()["engine"] == "search"
                results[f"{name}: {kind}"] = []
        for round_number in range(ROUNDS):
            for name in QUERIES:
                log(f"search round {round_number + 1}/{ROUNDS}: {name}")
                for kind, url in paths[name].items():
                    body = bodies[name] if kind == DIRECT else None
                    results[f"{name}: {kind}"].append(wrk(wrk_binary, url, post_json=body))
    print("\n## Search\n")
    if rate:
        print(f"Bulk rebuild: {rate.group(1)} products in {rate.group(2)} s = **{rate.group(3)} documents/s**\n")
    print(
        f"{PRODUCTS} products · gunicorn {WORKERS} sync workers · wrk -t2 -c{CONNECTIONS} -d{DURATION} · "
        f"median of {ROUNDS} interleaved rounds · load average at the end {os.getloadavg()[0]:.1f}\n"
    )
    table(results, _compared_with, "vs its floor")
    print()
    _targets(results)


def _compared_with(row: str) -> str:
    name, _, kind = row.partition(": ")
    floor = COMPARED.get(kind, (kind, None))[0]
    return f"{name}: {floor}"


def _targets(results: dict[str, list[dict]]) -> None:
    print("| target | req/s | floor | floor req/s | ratio | wanted | met |")
    print("|---|---:|---|---:|---:|---:|---|")
    for name in QUERIES:
        for kind, (floor, wanted) in COMPARED.items():
            mine, theirs = median(results[f"{name}: {kind}"]), median(results[f"{name}: {floor}"])
            ratio = mine["rps"] / theirs["rps"]
            verdict = "" if wanted is None else ("yes" if ratio >= wanted else "no")
            wanted_text = "(record)" if wanted is None else f"≥ {wanted:.2f}×"
            print(
                f"| {name}: {kind} | {mine['rps']:.0f} | {floor} | {theirs['rps']:.0f} | **{ratio:.2f}×** "
                f"| {wanted_text} | {verdict} |"
            )
        api = median(results[f"{name}: {API}"])
        met = "yes" if api["p95_ms"] < P95_WANTED_MS else "no"
        print(f"| {name}: {API}, p95 | {api['p95_ms']:.1f} ms | | | | < {P95_WANTED_MS} ms | {met} |")


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
