"""`manage.py kafka_check`, the seed's Kafka test, against the real broker and against none."""

import os
import subprocess
import sys
import uuid

import pytest

from shop.testing import ROOT


def _kafka_check(*arguments: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "kafka_check", *arguments],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_kafka_check_sends_five_json_messages_and_reads_them_back():
    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS is not set (make test starts Kafka and sets it)")
    topic = f"test-topic-{uuid.uuid4().hex[:8]}"  # the command's default is the seed's test-topic

    done = _kafka_check("--topic", topic)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("delivered #") == 5 and done.stdout.count("received {") == 5
    assert '"text": "Test message 1"' in done.stdout and '"timestamp": ' in done.stdout
    assert f"OK: 5 messages produced and consumed through {topic}." in done.stdout


def test_kafka_check_fails_clearly_when_no_broker_answers():
    done = _kafka_check("--timeout", "3", KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1")

    assert done.returncode == 1
    assert "FAILED" in done.stderr and "Traceback" not in done.stderr
