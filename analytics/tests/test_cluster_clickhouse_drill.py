"""Cluster drill: one ClickHouse replica of each shard stops during an hourly run.

The chain (`analytics_run`, a process of its own) goes on through the two replicas
left, the first node's included (the driver moves to the next host of CLICKHOUSE_URL);
it succeeds, its quality check reconciling to the cent, and the dashboard answers
meanwhile. Once the two replicas are back they hold the same rows as their peers
(ZooKeeper's replication log brings them up to date). Stops only the cluster's nodes.
"""

import time

import pytest

from accounts.tests.factories import BuyerFactory
from analytics import schema
from analytics.models import JobRun, PipelineRun
from analytics.tests.test_pipeline import _buy, shop_revenue_by_day, warehouse_revenue_by_day
from shop.testing import Process, cluster, server_environment

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

STOPPED = ("ch1", "ch4")  # shard 1's first replica (the node CLICKHOUSE_URL names first) and shard 2's second


def _replica_fingerprints(nodes, database: str) -> list[dict[str, tuple]]:
    """For each node: every sharded table's row count and sum of versions, once it has caught up."""
    found = []
    for node in nodes:
        tables = [
            name
            for (name,) in node.execute(
                f"SELECT name FROM system.tables WHERE database = '{database}' AND name LIKE '%\\_local'"
            )
        ]
        prints = {}
        for table in tables:
            node.execute(f"SYSTEM SYNC REPLICA {database}.{table}")
            prints[table] = tuple(node.execute(f"SELECT count(), sum(version) FROM {database}.{table}")[0])
        found.append(prints)
    return found


def test_one_replica_of_each_shard_stops_during_an_hourly_run(
    cluster_warehouse, spark, api_as, shop, staff, client, settings
):
    _buy(api_as, BuyerFactory(), (shop["kettle"], 2), (shop["spoon"], 3))
    client.force_login(staff)
    nodes = schema.cluster_nodes()
    env = server_environment(CLICKHOUSE_URL=settings.CLICKHOUSE_URL, CLICKHOUSE_CLUSTER=settings.CLICKHOUSE_CLUSTER)
    env.pop("SPARK_MASTER", None)  # Spark in the run's own process: this drill is about the warehouse
    first = Process(env, "analytics_run")
    assert first.process.wait(timeout=300) == 0, first.stop()[-3000:]
    _buy(api_as, BuyerFactory(), (shop["mower"], 1))
    _buy(api_as, BuyerFactory(), (shop["kettle"], 1))

    hourly = Process(env, "analytics_run")
    try:
        deadline = time.monotonic() + 120
        while not JobRun.objects.filter(job="incremental_sync", run__status="running").exists():
            assert hourly.alive and time.monotonic() < deadline, hourly.stop()[-3000:]
            time.sleep(0.2)
        cluster("down", *STOPPED)  # mid-run: the sync has started
        dashboard = client.get("/admin/analytics/")
        assert hourly.process.wait(timeout=600) == 0, hourly.stop()[-3000:]
        during = client.get("/admin/analytics/")
    finally:
        output = hourly.stop()
        cluster("up", *STOPPED)

    run = PipelineRun.objects.order_by("-pk").first()
    assert run.status == "succeeded", (run.error, output[-2000:])
    assert JobRun.objects.get(run=run, job="data_quality_check").status == "succeeded"  # to the cent
    assert dashboard.status_code == 200 and during.status_code == 200
    assert warehouse_revenue_by_day(cluster_warehouse) == shop_revenue_by_day()
    prints = _replica_fingerprints(nodes, cluster_warehouse.database)
    assert prints[0] == prints[1] and prints[2] == prints[3]  # each returned replica matches its peer
    assert cluster_warehouse.query("SELECT count() AS n FROM orders FINAL")[0]["n"] == 3
