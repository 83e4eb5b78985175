"""/health/ready checks every configured service, names the one that fails, and answers 503 only
when the site cannot serve (the database)."""

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


def test_a_service_the_site_degrades_without_is_named_but_stays_ready(client, settings):
    settings.SEARCH_URL = "http://127.0.0.1:9"  # nothing listens there

    response = client.get("/health/ready")

    assert response.status_code == 200  # search falls back to the database: keep serving
    assert response.json()["status"] == "degraded"
    assert set(response.json()["failed"]) == {"search"}
    assert response.json()["checks"]["database"] == "ok"


def test_without_the_database_the_process_is_not_ready(client, monkeypatch):
    from shop import health

    def refused():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "configured_checks", lambda: {"database": refused})

    response = client.get("/health/ready")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["status"] == "unavailable"
    assert response.json()["failed"] == {"database": "ConnectionError: connection refused"}
