"""A small planted shop in the warehouse, for the recommendation jobs' tests."""

from datetime import UTC, datetime, timedelta

import pytest

from recommendations.planted import PlantedShop, warehouse_rows

PRODUCTS = [(product, 1 + product % 4) for product in range(1, 41)]  # 40 products in 4 categories


@pytest.fixture
def planted_shop() -> PlantedShop:
    return PlantedShop.build(PRODUCTS, segments=2, per_segment=2, seed=3)


@pytest.fixture
def planted_warehouse(warehouse, planted_shop):
    """600 orders of 80 shoppers over the last 60 days, in the warehouse as the pipeline would have put them."""
    now = datetime.now(UTC).replace(tzinfo=None)
    orders = planted_shop.orders(shoppers=80, orders=600, start=now - timedelta(days=60), end=now - timedelta(hours=1))
    rows = warehouse_rows(
        orders,
        sellers={product: 1000 + product % 2 for product, _ in PRODUCTS},
        categories=dict(PRODUCTS),
    )
    for table, table_rows in rows.items():
        for start in range(0, len(table_rows), 5000):
            warehouse.insert(table, table_rows[start : start + 5000])
    return {"store": warehouse, "shop": planted_shop, "orders": orders}
