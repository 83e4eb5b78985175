"""Warehouse rows for the shelves' tests: rules, sales and events as the jobs and the consumer write them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from analytics.tests.factories import raw_event
from recommendations import models_table


def rules(store, pairs: dict, *, version: int = 10) -> None:
    """product → [others, best first] as a trained product_affinity model."""
    rows = [
        {
            "product_id": product.pk,
            "other_id": other.pk,
            "rank": rank,
            "confidence": round(0.9 - rank / 100, 2),
            "lift": 3.0,
            "support": 0.01,
            "pair_orders": 5,
            "version": version,
        }
        for product, others in pairs.items()
        for rank, other in enumerate(others, start=1)
    ]
    store.insert("product_affinity", rows)
    models_table.record(
        models_table.PRODUCT_AFFINITY, version=version, input_rows=100, output_rows=len(rows), fingerprint=1, details={}
    )


def sales(store, *sold) -> None:
    """(product, units) sold today: the best sellers' input."""
    today = timezone.now().date()
    store.insert(
        "product_activity_aggregation",
        [
            {
                "day": today,
                "product_id": product.pk,
                "seller_id": product.seller_id,
                "category_id": product.category_id,
                "views": 0,
                "cart_adds": 0,
                "orders": units,
                "units": units,
                "revenue": Decimal(units) * product.price,
                "version": 1,
            }
            for product, units in sold
        ],
    )


def events(store, *happened) -> None:
    """(type, product, hours ago, how many) as the consumer stores them in raw_events."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for kind, product, hours_ago, count in happened:
        payload = {"order_id": 1, "lines": [{"product_id": product.pk}]} if kind == "order_placed" else {}
        payload = payload or {"product_id": product.pk}
        rows += [raw_event(kind, payload, now - timedelta(hours=hours_ago)) for _ in range(count)]
    store.insert("raw_events", rows)
