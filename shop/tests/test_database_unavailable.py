"""When the database does not answer, clients get a 503 that says to retry, never a 500."""

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr("catalog.selectors.visible_products", refuse)


def test_the_api_answers_503_json_with_retry_after(database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/products")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": response.json()["detail"], "code": "unavailable"}
    assert "try again" in response.json()["detail"]


def test_a_page_answers_503_that_says_nothing_was_lost(database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/products/")

    assert response.status_code == 503
    assert b"Back in a moment" in response.content and b"Nothing you did was lost" in response.content


def test_other_errors_stay_500(monkeypatch):
    monkeypatch.setattr("catalog.selectors.visible_products", lambda *a, **k: 1 / 0)
    client = Client(raise_request_exception=False)

    assert client.get("/api/v1/products").status_code == 500
