"""Fixtures the analytics tests share."""

from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def shop(seller, other_seller):
    kitchen, garden = CategoryFactory(name="Kitchen"), CategoryFactory(name="Garden")
    return {
        "kettle": ProductFactory(seller=seller, category=kitchen, price=Decimal("19.99"), stock=50),
        "spoon": ProductFactory(seller=seller, category=kitchen, price=Decimal("0.01"), stock=50),
        "mower": ProductFactory(seller=other_seller, category=garden, price=Decimal("1234.56"), stock=50),
    }


def _stop_spark() -> None:
    from pyspark import SparkContext

    if SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()


@pytest.fixture
def spark_on_cluster(settings, cluster_topology, monkeypatch):
    """Jobs run on the cluster topology's standalone master and two workers; the session stays
    (with its status UI on a port of this test's) until the test ends, so its REST API can be read."""
    from shop.testing import free_port
    from spark_jobs import source
    from spark_jobs.session import jdbc_jars

    _stop_spark()  # a local-mode session kept by an earlier test would be reused otherwise
    settings.SPARK_MASTER = cluster_topology["SPARK_MASTER"]
    settings.SPARK_DRIVER_HOST = "127.0.0.1"
    settings.SPARK_UI_PORT = free_port()
    settings.SPARK_KEEP_SESSION = True
    settings.SPARK_JDBC_PARTITIONS = 4
    monkeypatch.setattr(source, "ROWS_PER_PARTITION", 5_000)  # small tables still split over both workers
    jdbc_jars()
    yield cluster_topology
    _stop_spark()


@pytest.fixture
def orders_in_bulk(db, seller, other_seller):
    """40,000 order lines (10,000 orders) of five buyers and ten products, straight into the database."""
    from django.db import connection

    from accounts.tests.factories import BuyerFactory
    from shop.testing import generate_orders

    BuyerFactory.create_batch(5)
    ProductFactory.create_batch(5, seller=seller)
    ProductFactory.create_batch(5, seller=other_seller)
    generate_orders(connection, 40_000)
    return 40_000
