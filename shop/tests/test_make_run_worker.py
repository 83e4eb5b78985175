"""`make run STACK=1`'s Celery worker serves the analytics chain's queue when ANALYTICS_QUEUE names one:
read from the recipe make plans, the queue list evaluated by a shell as the recipe's would be."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def _queues_option() -> str:
    planned = subprocess.run(
        ["make", "-n", "--no-print-directory", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "celery -A config worker --beat" in planned.stdout
    return re.search(r"--queues=\S+", planned.stdout).group(0)


@pytest.mark.parametrize(("queue", "served"), [("", "--queues=celery"), ("analytics", "--queues=celery,analytics")])
def test_the_worker_serves_the_default_queue_and_the_analytics_one_when_named(queue, served):
    option = _queues_option()

    shown = subprocess.run(
        ["sh", "-c", f'printf %s "{option}"'], env={"ANALYTICS_QUEUE": queue}, capture_output=True, text=True
    )

    assert shown.stdout == served
