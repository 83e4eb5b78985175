"""A real Prometheus scrapes the app under gunicorn, two workers adding up their counters."""

import contextlib
import os
import shutil
import subprocess
import sys
import time

import pytest
import requests
from django.db import connection

from shop.testing import ROOT, SERVICE_SETTINGS, database_url_of_tests, free_port, gunicorn

pytestmark = pytest.mark.django_db


def _database_url(tmp_path) -> str:
    """The test database when it is a server; a migrated SQLite file otherwise."""
    if connection.vendor == "postgresql":
        return database_url_of_tests()
    url = f"sqlite:///{tmp_path / 'scrape.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True
    )
    return url


@contextlib.contextmanager
def prometheus(tmp_path, target: str):
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is missing: `scripts/stack tools` installs it (make test runs it)")
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n"
        f"scrape_configs:\n  - job_name: web\n    static_configs:\n      - targets: ['{target}']\n"
    )
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def query(base: str, expression: str) -> float | None:
    try:
        answer = requests.get(f"{base}/api/v1/query", params={"query": expression}, timeout=2).json()
    except requests.RequestException:
        return None
    result = answer.get("data", {}).get("result", [])
    return float(result[0]["value"][1]) if result else None


def wait_for(base: str, expression: str, at_least: float, seconds: float = 45) -> float | None:
    deadline, value = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        value = query(base, expression)
        if value is not None and value >= at_least:
            return value
        time.sleep(0.5)
    return value


def test_prometheus_scrapes_the_apps_metrics_from_every_gunicorn_worker(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_SETTINGS}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    env["DATABASE_URL"] = _database_url(tmp_path)
    with gunicorn("config.wsgi", env, workers=2, config="docker/gunicorn.conf.py") as base:
        for _ in range(30):
            requests.get(f"{base}/health/live", timeout=5).raise_for_status()
        with prometheus(tmp_path, base.removeprefix("http://")) as server:
            assert wait_for(server, 'up{job="web"}', 1) == 1
            served = wait_for(
                server, 'sum(django_http_requests_total_by_view_transport_method_total{view="shop:health-live"})', 30
            )
            assert served is not None and served >= 30  # both workers' requests, added up
            assert wait_for(server, "count(bazaar_app_info)", 1) == 1
            assert wait_for(server, "max(bazaar_migrations_unapplied)", 0) == 0
