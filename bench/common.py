"""What both benchmarks share: databases, wrk, and the table they print."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from shop.testing import SERVICE_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) * 2 + 1)))  # gunicorn's usual 2n+1
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(18)
REPORTER = (ROOT / "bench" / "percentiles.lua").read_text()


# Every benchmark database is named after this prefix (shop_bench, shop_bench_search, ...): two
# checkouts benchmarking on one PostgreSQL at once give each its own (BENCH_DATABASE=shop_mine_bench).
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE", "shop_bench")


def environment(suffix: str, *, keep: tuple[str, ...] = ()) -> dict:
    """The benchmark server's environment: its own database (the prefix and `suffix`), and only the
    services it measures."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE_PREFIX + suffix),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    # DEBUG is off there, so the settings want a strong key: one per run, unless one is given.
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    # ... and seed_demo creates its accounts only when asked, with a password of the run's own.
    env.setdefault("DEMO_PASSWORD", DEMO_PASSWORD)
    # Keys of their own in a shared Redis: pages of another benchmark's database (or run) never answer.
    env["CACHE_KEY_PREFIX"] = f"{DATABASE_PREFIX + suffix}-{secrets.token_hex(4)}"
    for name in SERVICE_SETTINGS:
        if name not in keep:
            env.pop(name, None)
    return env


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    if not parts.scheme.startswith("postgres"):
        sys.exit("make bench needs PostgreSQL (scripts/stack up postgres writes DATABASE_URL)")
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed_demo(env: dict, *arguments: str) -> str:
    """The demo shop; its accounts (DEBUG is off here) get the run's DEMO_PASSWORD."""
    return manage(env, "seed_demo", "--demo-accounts", *arguments)


def manage(env: dict, *arguments: str) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments], env=env, check=True, capture_output=True, text=True
    ).stdout


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        log("installing wrk (Debian package)")
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def wrk(binary: str, url: str, post_json: dict | None = None) -> dict:
    """Drive `url` for DURATION; with `post_json`, every request is a POST of that body."""
    script = REPORTER
    if post_json is not None:
        body = json.dumps(post_json)
        script = (
            f'wrk.method = "POST"\nwrk.body = [==[{body}]==]\n'
            f'wrk.headers["Content-Type"] = "application/json"\n{REPORTER}'
        )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [binary, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", handle.name, url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    return json.loads(output.strip().splitlines()[-1])


def median(runs: list[dict]) -> dict:
    """The median round by throughput: one lucky or unlucky round does not decide."""
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def table(results: dict[str, list[dict]], floor_of, ratio_label: str) -> None:
    """`floor_of(name)` names the row each row is compared with."""
    print(f"| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | {ratio_label} |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        run = median(runs)
        floor = median(results.get(floor_of(name)) or runs)["rps"]
        print(
            f"| {name} | {run['rps']:.0f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} | {run['p99_ms']:.1f} "
            f"| {sum(r['errors'] for r in runs)} | {run['rps'] / floor:.2f}× |"
        )


def targets_table(results: dict[str, list[dict]]) -> None:
    """Each target of bench/twins.py measured here: its figure next to its floor's, and the ratio wanted."""
    from bench.twins import TWINS

    print("| target | req/s | floor | floor req/s | ratio | wanted | met |")
    print("|---|---:|---|---:|---:|---:|---|")
    for name, (floor, wanted) in TWINS.items():
        if name not in results or floor not in results:
            continue
        mine, theirs = median(results[name])["rps"], median(results[floor])["rps"]
        ratio = mine / theirs
        print(
            f"| {name} | {mine:.0f} | {floor} | {theirs:.0f} | **{ratio:.2f}×** | ≥ {wanted:.2f}× "
            f"| {'yes' if ratio >= wanted else 'no'} |"
        )
