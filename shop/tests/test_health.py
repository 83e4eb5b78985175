"""/health/ready checks every configured service and names the one that fails."""

import os

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_the_embedded_defaults_only_the_database_is_checked(client, settings):
    settings.REDIS_URL = ""

    body = client.get("/health/ready").json()

    assert body == {"status": "ok", "checks": {"database": "ok"}}


SERVICES = ("REDIS_URL", "SEARCH_URL", "KAFKA_BOOTSTRAP_SERVERS", "CLICKHOUSE_URL")


@pytest.mark.skipif(not all(os.environ.get(name) for name in SERVICES), reason="make test starts every service")
def test_every_configured_service_is_checked(client, settings, bucket):

    for name in SERVICES:
        setattr(settings, name, os.environ[name])

    response = client.get("/health/ready")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == dict.fromkeys(
        ["database", "cache", "storage", "search", "kafka", "warehouse"], "ok"
    )


def test_a_service_that_is_down_is_named(client, settings):
    settings.SEARCH_URL = "http://127.0.0.1:9"  # nothing listens there

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert set(response.json()["failed"]) == {"search"}
    assert response.json()["checks"]["database"] == "ok"
