"""The warehouse on a replicated, sharded ClickHouse (two shards × two replicas, ZooKeeper).

The same versioned schema files make Replicated tables on the four nodes and
Distributed tables over them; the hourly chain writes through the distributed
tables, and the dashboard and the quality check read through them the same
numbers, to the cent, as on one server. Needs the cluster topology (`make cluster`).
"""

import os
import uuid
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import BuyerFactory
from analytics import schema, selectors
from analytics.models import Watermark
from analytics.tests.test_pipeline import _buy, shop_revenue_by_day, warehouse_revenue_by_day
from analytics.warehouse import warehouse
from orders import services as orders
from orders.models import Order
from shop.models import OutboxEvent

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def test_every_node_has_replicated_tables_and_distributed_tables_over_them(cluster_warehouse):
    nodes = schema.cluster_nodes()
    engines = [
        dict(node.execute(f"SELECT name, engine FROM system.tables WHERE database = '{cluster_warehouse.database}'"))
        for node in nodes
    ]
    paths = [
        node.execute(
            f"SELECT zookeeper_path, replica_name FROM system.replicas WHERE database = '{cluster_warehouse.database}' "
            "AND table = 'orders_local'"
        )[0]
        for node in nodes
    ]

    assert len(nodes) == 4
    for tables in engines:
        assert tables["orders_local"] == "ReplicatedReplacingMergeTree"
        assert tables["orders"] == "Distributed"
        assert tables["raw_events"] == "Distributed"
        assert tables["schema_migrations"] == "ReplicatedMergeTree"
    # two replicas per shard: nodes 1 and 2 share shard 01's path, nodes 3 and 4 shard 02's
    assert paths[0][0] == paths[1][0] != paths[2][0] == paths[3][0]
    assert len({replica for _, replica in paths}) == 4


def _figures(scope: selectors.Scope) -> dict:
    return {
        "sales_over_time": selectors.sales_over_time(scope),
        "sales_by_category": selectors.sales_by_category(scope),
        "top_products": selectors.top_products(scope),
        "top_sellers": selectors.top_sellers(scope),
        "funnel": selectors.funnel(scope),
        "active_users": selectors.active_users(scope),
    }


def _shop_day(api, api_as, shop):
    """Orders over three days, one cancelled, and views and cart additions for the funnel."""
    for product in shop.values():
        assert api.get(f"/api/v1/products/{product.pk}").status_code == 200
    placed = []
    for days_ago, lines in ((0, [("kettle", 3), ("spoon", 7)]), (1, [("mower", 2)]), (2, [("kettle", 1)])):
        order = _buy(api_as, BuyerFactory(), *[(shop[name], quantity) for name, quantity in lines])
        moment = timezone.now() - timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(created_at=moment, updated_at=moment)
        placed.append(order)
    cancelled = _buy(api_as, BuyerFactory(), (shop["mower"], 1))
    orders.cancel_order(cancelled, by=cancelled.buyer)
    return placed


def _single_server(settings) -> None:
    """Point the warehouse at a fresh database on the one ClickHouse server of `make stack`."""
    base = os.environ["CLICKHOUSE_URL"].rsplit("/", 1)[0]
    settings.CLICKHOUSE_URL = f"{base}/test_{uuid.uuid4().hex[:12]}"
    settings.CLICKHOUSE_CLUSTER = ""
    schema.migrate()


def test_the_dashboard_and_the_quality_check_read_the_same_numbers_as_on_one_server(
    cluster_warehouse, spark, api, api_as, shop, staff, client, settings
):
    if not os.environ.get("CLICKHOUSE_URL"):
        pytest.skip("CLICKHOUSE_URL is not set (make test starts ClickHouse and sets it)")
    _shop_day(api, api_as, shop)
    scope = selectors.scope_for(staff, start=date.today() - timedelta(days=7), end=date.today())

    call_command("analytics_run")  # incremental sync → aggregation → quality check, on the cluster
    on_cluster = _figures(scope)
    revenue_on_cluster = warehouse_revenue_by_day(cluster_warehouse)
    client.force_login(staff)
    page = client.get("/admin/analytics/")
    shards = []
    for node in schema.cluster_nodes():
        node.execute(f"SYSTEM SYNC REPLICA {cluster_warehouse.database}.order_lines_local")
        shards.append(node.execute(f"SELECT count() FROM {cluster_warehouse.database}.order_lines_local")[0][0])

    _single_server(settings)
    Watermark.objects.all().delete()
    OutboxEvent.objects.update(published_at=None)  # the outbox feeds this warehouse's events too
    call_command("analytics_run")
    single = warehouse()
    try:
        assert _figures(scope) == on_cluster
        assert warehouse_revenue_by_day(single) == revenue_on_cluster == shop_revenue_by_day()
    finally:
        single.execute(f"DROP DATABASE IF EXISTS {single.database}")
    assert page.status_code == 200
    assert on_cluster["funnel"][0]["count"] > 0 and on_cluster["sales_over_time"]
    # each shard's lines are held by both of its replicas; together the shards hold every line once
    assert shards[0] == shards[1] and shards[2] == shards[3]
    assert shards[0] + shards[2] == 5  # cancelled ones too
