"""A process that keeps its Spark session (compose's analytics-worker) and the queue that feeds it."""

import os
import subprocess
import sys
import textwrap

import pytest

from shop.testing import ROOT

SESSION_ENDED_BETWEEN_RUNS = textwrap.dedent("""
    import os, signal
    import django
    django.setup()
    from pyspark import SparkContext
    from spark_jobs.session import start_session
    first = start_session("kept")
    assert first.range(10).count() == 10
    driver = SparkContext._gateway.proc
    os.kill(driver.pid, signal.SIGKILL)  # the kept driver dies between two runs (out of memory, killed)
    driver.wait()
    second = start_session("kept")
    assert SparkContext._gateway.proc.pid != driver.pid
    print("second run:", second.range(7).count())
    second._jsc.sc().stop()  # the JVM ends the context itself (a cluster's master dropped the application)
    third = start_session("kept")
    assert SparkContext._gateway.proc.pid == second.sparkContext._gateway.proc.pid  # the same driver
    print("third run:", third.range(5).count())
""")


def _run(script: str, **extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **extra}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_kept_session_that_ended_is_started_again_rather_than_failing_every_run(spark):
    done = _run(SESSION_ENDED_BETWEEN_RUNS, SPARK_KEEP_SESSION="true")

    assert done.returncode == 0, done.stderr[-3000:]
    assert "second run: 7" in done.stdout and "third run: 5" in done.stdout
    assert done.stderr.count("The kept Spark session had ended; starting a new one.") == 2


ROUTE = (
    "from config.celery import app\n"
    "for task in ('analytics.tasks.run_sync_chain', 'analytics.tasks.run_historical_migration', "
    "'orders.tasks.expire_unpaid_orders'):\n"
    "    print(app.amqp.router.route({}, task)['queue'].name)"
)


@pytest.mark.parametrize(("queue", "served_by"), [("", "celery"), ("analytics", "analytics")])
def test_the_analytics_chain_goes_to_the_queue_that_analytics_queue_names(queue, served_by):
    done = _run(ROUTE, ANALYTICS_QUEUE=queue, CELERY_BROKER_URL="redis://127.0.0.1:1/0")

    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == [served_by, served_by, "celery"]  # the shop's own tasks stay where they were
