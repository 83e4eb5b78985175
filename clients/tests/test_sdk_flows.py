"""SDKs generated from the live schema, in Python, TypeScript and Kotlin, each running the mobile flow
against a live server (gunicorn on PostgreSQL) as a client team would.

For each language `clients/sdk generate` makes the SDK from the schema the server serves (failing on
any generator warning, and unless the SDK compiles), then `clients/sdk flow` builds the flow on it and
runs it: log in and refresh, browse with filters, pages and cursors, a product and its ETag, the cart,
a purchase retried with its Idempotency-Key, history, events and cancelling, a seller's product with
an image and a new price and its comments, search in each kind with facets and suggestions, and one
refusal per area read as the documented Error. The server checks each of its answers against the
schema too (shop.testing.gunicorn). `make test` installs the generators first (`clients/sdk setup`).
"""

import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from accounts.tests.factories import PASSWORD, BuyerFactory, SellerFactory
from catalog.tests.factories import CategoryFactory, ProductFactory
from shop.testing import ROOT, gunicorn, server_environment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.sdk]

SDK = ROOT / "clients" / "sdk"


@pytest.fixture
def shop(tmp_path):
    """A live shop: a category of kettles (some filtered out), a seller and a buyer who log in."""
    if connection.vendor != "postgresql":
        pytest.skip("the live server shares the test database on PostgreSQL only (make test runs it)")
    seller, buyer = SellerFactory(), BuyerFactory()
    kitchen = CategoryFactory(name="Kitchen")
    for title, price, stock in [
        ("Steel kettle", "30.00", 8),
        ("Glass kettle", "12.50", 4),
        ("Travel kettle", "7.25", 9),
        ("Copper kettle", "45.00", 2),
        ("Sold-out kettle", "20.00", 0),  # in_stock=true leaves it out
        ("Kettle descaler", "0.50", 50),  # min_price=1.00 leaves it out
    ]:
        ProductFactory(seller=seller, category=kitchen, title=title, price=Decimal(price), stock=stock)
    image = tmp_path / "kettle.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    env = server_environment(
        MEDIA_ROOT=str(tmp_path / "media"),
        # The accounts were made with the tests' fast hasher; the server must be able to check them.
        PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",
    )
    errors: list[str] = []
    with gunicorn("config.wsgi", env, workers=2, threads=2, errors=errors) as base:
        yield (
            base,
            {"BUYER_EMAIL": buyer.email, "SELLER_EMAIL": seller.email, "PASSWORD": PASSWORD, "IMAGE": str(image)},
        )


def sdk(*arguments: str, env: dict | None = None, timeout: int = 600) -> str:
    import os

    result = subprocess.run(
        [str(SDK), *arguments],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"clients/sdk {' '.join(arguments)} failed:\n{output[-6000:]}"
    return output


@pytest.mark.parametrize("language", ["python", "typescript", "kotlin"])
def test_the_generated_sdk_runs_the_mobile_flow(shop, language):
    base, accounts = shop

    generated = sdk("generate", language, f"{base}/api/schema/")
    ran = sdk("flow", language, base, env=accounts)

    assert "warn" not in generated.lower(), generated
    assert f"{language}: the whole flow passed" in ran, ran
    assert ran.count("refused as documented") == 6, ran  # one refusal per area, each parsed as Error


def test_generated_code_is_not_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "clients"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()

    assert tracked and not [path for path in tracked if "/build/" in path or "/target/" in path]
    assert Path(ROOT / "clients" / "typescript" / "package-lock.json").exists()
