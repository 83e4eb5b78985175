"""How the Spark jobs read the shop's database (spark_jobs/source.py, spark_jobs/shop_tables.py)."""

from datetime import UTC, datetime

import pytest

from accounts.tests.factories import BuyerFactory
from spark_jobs import source
from spark_jobs.session import start_session, stop_session
from spark_jobs.shop_tables import TABLES

pytestmark = pytest.mark.django_db(transaction=True)  # Spark reads over its own connections: committed rows


def test_a_copied_time_is_its_whole_second_as_the_warehouse_keeps_it(spark):
    from orders.models import Order

    buyer = BuyerFactory()
    placed = datetime(2026, 11, 30, 23, 59, 58, 999_999, tzinfo=UTC)  # a microsecond from the next second
    order = Order.objects.create(buyer=buyer, total="1.00", currency="USD")
    before_1970 = datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)
    Order.objects.filter(pk=order.pk).update(created_at=placed, updated_at=before_1970)
    orders = next(table for table in TABLES if table.name == "orders")
    session = start_session("source-test")
    try:
        (row,) = orders.shape(source.read(session, orders.sql(source.dialect()))).collect()
    finally:
        stop_session(session)

    assert int(_utc(row.created_at).timestamp()) == int(placed.timestamp())  # the second it began in
    assert int(_utc(row.updated_at).timestamp()) == -1  # before 1970 too: the sink makes it the epoch


def _utc(moment: datetime) -> datetime:
    """Spark hands back naive times in the session's zone, which is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def test_the_jdbc_read_asks_for_the_tls_the_shops_own_connection_asks_for(monkeypatch):
    database = {
        "ENGINE": "django.db.backends.postgresql", "HOST": "db.internal", "PORT": 5433, "NAME": "shop",
        "USER": "shop", "PASSWORD": "secret",
        "OPTIONS": {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/shop-ca.pem", "pool": True},
    }  # fmt: skip
    monkeypatch.setattr(source, "_database", lambda: database)

    options = source.jdbc_options()

    assert options["url"] == "jdbc:postgresql://db.internal:5433/shop"
    assert options["sslmode"] == "verify-full" and options["sslrootcert"] == "/etc/ssl/shop-ca.pem"
    assert "pool" not in options  # Django's own options stay Django's


def test_without_tls_options_the_driver_keeps_its_default(monkeypatch):
    database = {"ENGINE": "django.db.backends.postgresql", "HOST": "", "PORT": "", "NAME": "shop", "USER": "u",
                "PASSWORD": "p", "OPTIONS": {}}  # fmt: skip
    monkeypatch.setattr(source, "_database", lambda: database)

    assert "sslmode" not in source.jdbc_options()
