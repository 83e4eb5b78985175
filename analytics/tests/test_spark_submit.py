"""`spark-submit spark_jobs/<job>.py`, word for word from the repository root, as the README and the
seed run the jobs: with the venv's spark-submit from a shell where the venv is not activated,
locally and against a standalone Spark master.

It used to fail three ways: the venv's spark-submit asked the system's `python3` where Spark
was; the driver would have run on that `python3`; and the job file imported `spark_jobs`
before its `__main__` block put the project on the path (ModuleNotFoundError).
"""

import contextlib
import json
import os
import subprocess
import time
from decimal import Decimal

import pytest
import requests

from analytics.models import PipelineRun
from orders.tests.factories import order_for
from shop.testing import ROOT, database_url_of_tests, free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

SPARK_SUBMIT = ROOT / ".venv" / "bin" / "spark-submit"


def _a_fresh_shell(**settings) -> dict:
    """A shell where the venv is not activated: the system's PATH, no SPARK_HOME, no PYSPARK_*."""
    kept = ("HOME", "LANG", "LC_ALL", "TMPDIR", "JAVA_HOME", "SECRET_KEY")
    env = {key: os.environ[key] for key in kept if key in os.environ}
    path = [entry for entry in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep) if ".venv" not in entry]
    env.update(PATH=os.pathsep.join(path), SPARK_LOCAL_IP="127.0.0.1", **settings)
    return env


def _spark_submit(*arguments: str, env: dict) -> subprocess.CompletedProcess:
    if not (ROOT / ".venv" / "bin" / "spark-distribution").exists():
        pytest.fail("spark-submit is not set up: `scripts/stack spark` does it (make test runs it)")
    return subprocess.run(
        [".venv/bin/spark-submit", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def shop_with_an_order(buyer, seller):
    from catalog.tests.factories import ProductFactory

    kettle = ProductFactory(seller=seller, price=Decimal("19.99"), stock=5)
    return order_for(buyer, (kettle, 2))


@pytest.fixture
def warehouse_url(settings):
    """A fresh database on the ClickHouse server `make test` starts (the jobs run in other processes)."""
    import uuid

    from clickhouse_driver import Client

    if not os.environ.get("CLICKHOUSE_URL"):
        pytest.skip("CLICKHOUSE_URL is not set (make test starts ClickHouse and sets it)")
    name = f"test_{uuid.uuid4().hex[:12]}"
    from analytics.warehouse import connection_options, with_database

    url = with_database(os.environ["CLICKHOUSE_URL"], name)
    yield url
    Client(**connection_options(url, database=False)).execute(f"DROP DATABASE IF EXISTS {name}")


def _copied_rows(warehouse: str) -> dict:
    from clickhouse_driver import Client

    from analytics.warehouse import connection_options

    client = Client(**connection_options(warehouse))
    return {table: client.execute(f"SELECT count() FROM {table} FINAL")[0][0] for table in ("orders", "order_lines")}


def test_spark_submit_runs_a_job_file_from_the_repository_root(shop_with_an_order, warehouse_url):
    env = _a_fresh_shell(DATABASE_URL=database_url_of_tests(), CLICKHOUSE_URL=warehouse_url)

    done = _spark_submit("spark_jobs/historical_migration.py", env=env)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "historical_migration: succeeded" in done.stdout
    run = PipelineRun.objects.get(trigger="spark-submit")
    assert run.status == PipelineRun.Status.SUCCEEDED
    assert _copied_rows(warehouse_url) == {"orders": 1, "order_lines": 1}


@pytest.fixture
def standalone_master(tmp_path):
    """A Spark standalone master and one worker (1 core, 1 GiB) on ports of this test's own."""
    port, ui = free_port(), free_port()
    env = {**_a_fresh_shell(), "SPARK_NO_DAEMONIZE": "1"}
    spark_class = str(ROOT / ".venv" / "bin" / "spark-class")
    roles = {
        "master": ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                   "--webui-port", str(ui)],
        "worker": ["org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}", "--host", "127.0.0.1",
                   "--cores", "1", "--memory", "1g", "--webui-port", str(free_port()),
                   "--work-dir", str(tmp_path / "work")],
    }  # fmt: skip
    status = f"http://127.0.0.1:{ui}/json/"
    with contextlib.ExitStack() as stack:
        processes = []
        for role, arguments in roles.items():
            log = stack.enter_context(open(tmp_path / f"{role}.log", "wb"))
            processes.append(subprocess.Popen([spark_class, *arguments], env=env, stdout=log, stderr=subprocess.STDOUT))
        try:
            if not _wait_for_one_worker(status):
                pytest.fail(f"the standalone master has no worker: {(tmp_path / 'worker.log').read_text()[-2000:]}")
            yield f"spark://127.0.0.1:{port}", status
        finally:
            for process in reversed(processes):
                process.terminate()
                process.wait(timeout=30)


def _wait_for_one_worker(status: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(status, timeout=2).json().get("aliveworkers") == 1:
                return True
        except (requests.RequestException, json.JSONDecodeError):
            pass
        time.sleep(0.5)
    return False


def test_spark_submit_sends_a_job_to_a_standalone_master(shop_with_an_order, warehouse_url, standalone_master):
    master, status = standalone_master
    env = _a_fresh_shell(DATABASE_URL=database_url_of_tests(), CLICKHOUSE_URL=warehouse_url)

    done = _spark_submit("--master", master, "spark_jobs/historical_migration.py", env=env)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "historical_migration: succeeded" in done.stdout
    applications = requests.get(status, timeout=5).json()["completedapps"]
    assert [(app["name"], app["state"]) for app in applications] == [("bazaar-analytics", "FINISHED")]
    # written by the worker's executor (each partition inserts itself), not by the driver
    assert _copied_rows(warehouse_url) == {"orders": 1, "order_lines": 1}
