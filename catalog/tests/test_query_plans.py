"""The listings' hottest queries have an index that answers them, on PostgreSQL as deployed.

The home page's featured shelf read every row to find its best eight (1.8 ms of the database's
time on each home page at 10k products, where the index answers in 0.03 ms); the filtered list
counted its rows from the table, then from every product's entry in the price index. The planner
picks the table for a handful of rows, so each check turns table and bitmap scans off: what it
proves is that an index able to answer the query exists.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog import selectors
from catalog.filters import ProductFilter
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _plan(run) -> str:
    """The plan of the one query `run()` sends."""
    with CaptureQueriesContext(connection) as sent:
        run()
    (query,) = sent.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def products():
    assert connection.vendor == "postgresql", "the plans are PostgreSQL's (make test runs on it)"
    ProductFactory.create_batch(5, is_featured=True)
    ProductFactory.create_batch(5, stock=0)


def test_the_featured_shelf_reads_its_own_index(products):
    shelf = selectors._featured(selectors.visible_products())[:8]

    plan = _plan(lambda: list(shelf))

    assert "catalog_product_featured_best" in plan, plan


def test_the_in_stock_list_counts_from_its_own_index(products):
    filtered = ProductFilter({"in_stock": "true", "min_price": "10"}, queryset=selectors.visible_products()).qs

    plan = _plan(filtered.count)

    # an index-only scan once the table is vacuumed (the test's rows are too new for that)
    assert "using catalog_product_in_stock" in plan, plan


def test_the_in_stock_list_by_price_reads_its_own_index(products):
    filtered = ProductFilter({"in_stock": "true", "ordering": "price"}, queryset=selectors.visible_products()).qs

    plan = _plan(lambda: list(filtered[:20]))

    assert "using catalog_product_in_stock" in plan, plan


def test_a_price_filter_without_the_stock_counts_from_the_price_index(products):
    filtered = ProductFilter({"min_price": "10"}, queryset=selectors.visible_products()).qs

    plan = _plan(filtered.count)

    assert "using catalog_product_price_stock" in plan, plan
