"""Every 429 and 503 says when to come back, in whole seconds."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_throttled_login_says_when_to_try_again(api, buyer, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "login": "1/min"})
    body = {"email": buyer.email, "password": PASSWORD}

    api.post("/api/v1/auth/login", body, format="json")
    throttled = api.post("/api/v1/auth/login", body, format="json")

    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_not_ready_says_when_to_look_again(client, monkeypatch):
    from shop import health

    monkeypatch.setattr(health, "readiness", lambda: {"database": "OperationalError: down"})

    response = client.get("/health/ready")

    assert response.status_code == 503 and int(response["Retry-After"]) > 0
