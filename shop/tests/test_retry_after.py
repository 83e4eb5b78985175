"""Every 503 says when to come back, in whole seconds (429s: accounts/tests/test_throttling.py)."""

import pytest

pytestmark = pytest.mark.django_db


def test_not_ready_says_when_to_look_again(client, monkeypatch):
    from shop import health

    monkeypatch.setattr(health, "readiness", lambda: {"database": "OperationalError: down"})

    response = client.get("/health/ready")

    assert response.status_code == 503 and int(response["Retry-After"]) > 0
