"""The embedded default (SQLite) holds up under a handful of concurrent writers.

A real gunicorn with several workers and threads serves a SQLite file; eight
buyers check out at once while others read. Immediate transactions and a busy
timeout make them queue: no 'database is locked', no 500, every order placed.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from shop.testing import gunicorn

ROOT = Path(__file__).resolve().parents[2]
BUYERS = 8

SETUP = f"""
from accounts.models import User
from catalog.models import Category, Product
seller = User.objects.create_user(email="s@example.com", password="pw-123456-long", role="seller")
category = Category.objects.create(name="Things", slug="things")
Product.objects.create(seller=seller, category=category, title="Widget", price="5.00", stock=100)
for n in range({BUYERS}):
    User.objects.create_user(email=f"b{{n}}@example.com", password="pw-123456-long")
"""


def _call(base: str, method: str, path: str, body=None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.request(method, base + path, json=body, headers=headers, timeout=30)
    return response.status_code, response.json() if response.content else {}


@pytest.fixture
def sqlite_server(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        # the embedded default: no service but the SQLite file
        "REDIS_URL": "",
        "S3_ENDPOINT_URL": "",
        "SEARCH_URL": "",
        "KAFKA_BOOTSTRAP_SERVERS": "",
        "CLICKHOUSE_URL": "",
        "CELERY_BROKER_URL": "",
        "LOGIN_THROTTLE_RATE": "1000/min",
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT)
    errors: list[str] = []
    with gunicorn("config.wsgi", env, workers=2, threads=4, errors=errors) as base:
        yield base
    assert "database is locked" not in errors[0], errors[0][-2000:]


def test_eight_buyers_check_out_at_once_on_sqlite(sqlite_server):
    base = sqlite_server

    def shop(n: int) -> list[int]:
        status, tokens = _call(
            base, "POST", "/api/v1/auth/login", {"email": f"b{n}@example.com", "password": "pw-123456-long"}
        )
        codes = [status]
        token = tokens.get("access")
        codes.append(_call(base, "POST", "/api/v1/cart", {"product": 1, "quantity": 2}, token)[0])
        codes.append(_call(base, "GET", "/api/v1/products", token=token)[0])
        codes.append(_call(base, "POST", "/api/v1/purchases", token=token)[0])
        return codes

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        results = list(pool.map(shop, range(BUYERS)))

    assert results == [[200, 201, 200, 201]] * BUYERS
    _, product = _call(base, "GET", "/api/v1/products/1")
    assert product["stock"] == 100 - 2 * BUYERS
