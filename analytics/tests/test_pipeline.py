"""End to end: API → outbox → Kafka → ClickHouse → Spark sync → aggregates → quality check.

On the real PostgreSQL, Kafka and Spark (local mode), against the ClickHouse 18.16
server and chdb. Transactional tests: Spark reads the database over its own JDBC
connections, which see only committed rows.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.tests.factories import BuyerFactory
from analytics.models import JobRun, PipelineRun
from analytics.tests.test_consumer import drain_fresh
from orders import services as orders
from orders.models import Order, OrderLine
from shop import relay

pytestmark = pytest.mark.django_db(transaction=True)


def _buy(api_as, buyer, *lines) -> Order:
    client = api_as(buyer)
    for product, quantity in lines:
        assert client.post(
            "/api/v1/cart", {"product": product.pk, "quantity": quantity}, format="json"
        ).status_code in (
            200,
            201,
        )
    response = client.post("/api/v1/purchases")
    assert response.status_code == 201, response.content
    return Order.objects.get(pk=response.json()["id"])


def shop_revenue_by_day() -> dict[str, Decimal]:
    """The truth: lines of orders that were not cancelled, by the UTC day the order was placed."""
    rows = (
        OrderLine.objects.exclude(order__status="cancelled")
        .annotate(day=TruncDate("order__created_at", tzinfo=timezone.UTC))
        .values("day")
        .annotate(revenue=Sum("line_total"))
    )
    return {row["day"].isoformat(): row["revenue"] for row in rows}


def warehouse_revenue_by_day(store) -> dict[str, Decimal]:
    rows = store.query(
        "SELECT toString(day) AS date, toString(sum(revenue)) AS amount "
        "FROM daily_sales_aggregation FINAL GROUP BY day HAVING sum(revenue) > 0"
    )
    return {row["date"]: Decimal(row["amount"]) for row in rows}


def sales_rows(store) -> list[tuple]:
    rows = store.query(
        "SELECT toString(day) AS day, category_id, seller_id, orders, units, toString(revenue) AS revenue, "
        "toString(average_order_value) AS aov FROM daily_sales_aggregation FINAL ORDER BY day, category_id, seller_id"
    )
    return [tuple(str(value) for value in row.values()) for row in rows]


def test_revenue_reaches_the_warehouse_to_the_cent_and_follows_a_cancellation(
    kafka_topic, warehouse, spark, api_as, api, shop
):
    first, second, third = BuyerFactory(), BuyerFactory(), BuyerFactory()
    for product in shop.values():
        assert api.get(f"/api/v1/products/{product.pk}").status_code == 200
    _buy(api_as, first, (shop["kettle"], 3), (shop["spoon"], 7))
    yesterday = _buy(api_as, second, (shop["mower"], 2), (shop["kettle"], 1))
    later_cancelled = _buy(api_as, third, (shop["mower"], 1))
    moment = timezone.now() - timedelta(days=1)
    Order.objects.filter(pk=yesterday.pk).update(created_at=moment, updated_at=moment)
    relay.relay_all()
    assert drain_fresh().stored > 0

    call_command("analytics_run")

    truth = shop_revenue_by_day()
    assert len(truth) == 2
    assert warehouse_revenue_by_day(warehouse) == truth
    before = sales_rows(warehouse)

    call_command("analytics_run", "--rebuild")
    assert sales_rows(warehouse) == before  # a rerun changes no number

    orders.cancel_order(later_cancelled, by=third)
    call_command("analytics_run")

    after = warehouse_revenue_by_day(warehouse)
    today = timezone.now().date().isoformat()
    assert after == shop_revenue_by_day()
    assert truth[today] - after[today] == Decimal("1234.56")

    views = warehouse.query(
        f"SELECT sum(views) AS views FROM product_activity_aggregation FINAL WHERE product_id = {shop['kettle'].pk}"
    )
    assert int(views[0]["views"]) == 1
    runs = PipelineRun.objects.order_by("pk")
    assert [run.status for run in runs] == ["succeeded"] * 3
    sync = JobRun.objects.filter(run=runs[0], job="incremental_sync").get()
    assert sync.rows["orders"] == 3 and sync.rows["order_lines"] == 5
    assert JobRun.objects.filter(run=runs[2], job="incremental_sync").get().rows["orders"] >= 1


def test_the_quality_check_fails_loudly_naming_the_day(warehouse, spark, api_as, shop):
    _buy(api_as, BuyerFactory(), (shop["kettle"], 2))
    call_command("analytics_run")
    today = timezone.now().date().isoformat()
    warehouse.insert(
        "daily_sales_aggregation",
        [
            {
                "day": timezone.now().date(),
                "category_id": 999_999,
                "seller_id": 1,
                "orders": 1,
                "units": 1,
                "revenue": Decimal("0.01"),
                "average_order_value": Decimal("0.01"),
                "version": 2**62,  # newer than any run: what the charts would now show
            }
        ],
    )

    with pytest.raises(CommandError, match=today):
        call_command("analytics_run", "--job", "data_quality_check")

    failed = JobRun.objects.get(job="data_quality_check", status="failed")
    assert failed.details["differences"] == [
        {"day": today, "orders": {"shop": 1, "warehouse": 1}, "revenue": {"shop": "39.98", "warehouse": "0.01"}}
    ]
    assert PipelineRun.objects.order_by("-pk").first().status == "failed"


def test_without_kafka_the_chain_takes_events_from_the_outbox_once(warehouse, spark, api_as, api, shop):
    from shop.models import OutboxEvent

    buyer = BuyerFactory()
    assert api.get(f"/api/v1/products/{shop['spoon'].pk}").status_code == 200
    _buy(api_as, buyer, (shop["spoon"], 4))

    call_command("analytics_run")
    call_command("analytics_run", "--rebuild")

    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    stored = warehouse.query("SELECT type, count() AS n FROM raw_events GROUP BY type")
    assert {row["type"]: int(row["n"]) for row in stored}["product_viewed"] == 1
    funnel = warehouse.query(
        "SELECT sum(views) AS seen, sum(cart_adds) AS added, sum(orders) AS bought FROM product_activity_aggregation "
        f"FINAL WHERE product_id = {shop['spoon'].pk}"
    )[0]
    assert (int(funnel["seen"]), int(funnel["added"]), int(funnel["bought"])) == (1, 1, 1)
    activity = warehouse.query(
        f"SELECT views, cart_adds, purchases FROM user_activity_aggregation FINAL WHERE user_id = {buyer.pk}"
    )
    assert [(int(row["cart_adds"]), int(row["purchases"])) for row in activity] == [(1, 1)]
