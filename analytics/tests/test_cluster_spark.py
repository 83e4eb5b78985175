"""The Spark jobs on a standalone cluster: a master and two workers (`make cluster`).

The historical migration and the hourly chain run with SPARK_MASTER=spark://… from
Celery and as `spark-submit --master spark://… spark_jobs/<job>.py`. Spark's own
status APIs show where the work ran: each worker's JSON lists an executor of the
application, and the driver's REST API shows that the tasks that read the shop's
database over JDBC and insert into ClickHouse ran on those executors, not in the
driver. A drill kills one worker mid-migration: Spark retries its tasks on the
other (the driver's event log, read after the run, shows the executor go and every later task run
on the one left), and the quality check reconciles to the cent.
"""

import subprocess
import time
from decimal import Decimal

import pytest
from pyspark import SparkContext

from accounts.tests.factories import BuyerFactory
from analytics import schema, tasks
from analytics.models import JobRun, PipelineRun
from analytics.tests import spark_cluster
from analytics.tests.test_pipeline import _buy, shop_revenue_by_day, warehouse_revenue_by_day
from orders.models import OrderLine
from shop.testing import Process, cluster, free_port, server_environment

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def _run(pk: int) -> PipelineRun:
    return PipelineRun.objects.get(pk=pk)


def test_the_migration_and_the_hourly_chain_run_on_both_workers_from_celery(
    spark_on_cluster, cluster_warehouse, orders_in_bulk, api_as, settings
):
    migration = _run(tasks.run_historical_migration.delay(trigger="celery").get())
    product = OrderLine.objects.select_related("product").first().product
    _buy(api_as, BuyerFactory(), (product, 2))
    chain = _run(tasks.run_sync_chain.delay(trigger="celery").get())

    context = SparkContext._active_spark_context
    status_url = spark_on_cluster["SPARK_MASTER_STATUS_URL"]
    by_worker = spark_cluster.executors_by_worker(status_url, context.applicationId)
    writes = spark_cluster.write_tasks(f"http://127.0.0.1:{settings.SPARK_UI_PORT}", context.applicationId)

    assert (migration.status, chain.status) == ("succeeded", "succeeded"), (migration.error, chain.error)
    assert context.master == settings.SPARK_MASTER
    assert len(by_worker) == 2 and all(count >= 1 for count in by_worker.values()), by_worker
    lines = writes["order_lines"]
    assert lines["executors"] == {"0", "1"}, lines  # two executors, one per worker; never "driver"
    assert lines["records_read"] >= orders_in_bulk + 1  # every line read in an executor's JDBC task
    assert all("driver" not in write["executors"] for write in writes.values())
    assert warehouse_revenue_by_day(cluster_warehouse) == shop_revenue_by_day()
    per_node = [
        node.execute(f"SELECT count() FROM {cluster_warehouse.database}.orders_local FINAL")[0][0]
        for node in schema.cluster_nodes()
    ]
    assert per_node[0] > 0 and per_node[2] > 0 and per_node[0] + per_node[2] == 10_001  # both shards hold orders


def test_spark_submit_runs_the_jobs_on_the_cluster(spark_on_cluster, cluster_warehouse, orders_in_bulk, settings):
    env = server_environment(
        CLICKHOUSE_URL=settings.CLICKHOUSE_URL,
        CLICKHOUSE_CLUSTER=settings.CLICKHOUSE_CLUSTER,
        SPARK_DRIVER_HOST="127.0.0.1",
        SPARK_JDBC_PARTITIONS="4",
    )
    env.pop("SPARK_MASTER", None)  # spark-submit's --master says where
    status_url = spark_on_cluster["SPARK_MASTER_STATUS_URL"]
    known = {app["id"] for app in spark_cluster.get_json(status_url)["completedapps"]}
    outputs = []
    for job in ("historical_migration", "incremental_sync", "data_aggregation", "data_quality_check"):
        command, extra = spark_cluster.spark_submit(job, settings.SPARK_MASTER)
        done = subprocess.run(command, env={**env, **extra}, capture_output=True, text=True, timeout=600)
        outputs.append(done.stdout)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        assert f"{job}: succeeded" in done.stdout

    new = [app for app in spark_cluster.get_json(status_url)["completedapps"] if app["id"] not in known]
    submitted = PipelineRun.objects.filter(trigger="spark-submit")
    assert submitted.count() == 4 and all(run.status == "succeeded" for run in submitted)
    # each job that uses Spark was an application of the cluster (data_aggregation runs in ClickHouse alone)
    assert len(new) == 3
    migrated = max(new, key=lambda app: app["duration"])
    assert sum(spark_cluster.executors_by_worker(status_url, migrated["id"]).values()) >= 1
    assert warehouse_revenue_by_day(cluster_warehouse) == shop_revenue_by_day()


def test_killing_a_worker_mid_migration_the_job_completes_on_the_other(
    spark_on_cluster, cluster_warehouse, orders_in_bulk, settings, tmp_path
):
    ui = free_port()
    env = server_environment(
        CLICKHOUSE_URL=settings.CLICKHOUSE_URL,
        CLICKHOUSE_CLUSTER=settings.CLICKHOUSE_CLUSTER,
        SPARK_MASTER=settings.SPARK_MASTER,
        SPARK_DRIVER_HOST="127.0.0.1",
        SPARK_JDBC_PARTITIONS="8",
        SPARK_UI_PORT=str(ui),
        **spark_cluster.event_log_options(tmp_path),
    )
    status_url = spark_on_cluster["SPARK_MASTER_STATUS_URL"]
    migration = Process(env, "analytics_migrate")
    try:
        app = _wait_for_a_write_on_both_workers(status_url, f"http://127.0.0.1:{ui}", migration)
        cluster("kill", "spark-worker1")
        migration.process.wait(timeout=600)
    finally:
        output = migration.stop()
        cluster("up", "spark-worker1")

    run = PipelineRun.objects.get(trigger="command")
    assert migration.process.returncode == 0, output[-3000:]
    assert run.status == "succeeded", run.error
    loss = spark_cluster.executor_loss(spark_cluster.events(tmp_path))
    assert loss["executors_lost"] == 1, loss  # the killed worker's executor, and no other,
    assert loss["jobs_running_then"], loss  # left while a job ran (a kill between jobs would prove less),
    assert loss["jobs_after"] >= 1, loss  # the migration went on after it left,
    assert loss["executors_after"] and loss["executor"] not in loss["executors_after"], loss  # on the other,
    assert loss["all_jobs_succeeded"], loss  # and every job, the one it cut across too, succeeded
    assert JobRun.objects.get(run=run, job="data_quality_check").status == "succeeded"
    assert spark_cluster.application(status_url, app["id"])["state"] == "FINISHED"
    deadline = time.monotonic() + 60
    while len(spark_cluster.workers(status_url)) < 2 and time.monotonic() < deadline:
        time.sleep(1)
    assert len(spark_cluster.workers(status_url)) == 2  # the killed worker rejoined
    assert warehouse_revenue_by_day(cluster_warehouse) == shop_revenue_by_day()
    assert sum(shop_revenue_by_day().values()) > Decimal(0)


def _wait_for_a_write_on_both_workers(status_url: str, ui_url: str, migration: Process, seconds: float = 240) -> dict:
    """The migration's application, once a write job runs and an executor of it runs on each worker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and migration.alive:
        active = spark_cluster.get_json(status_url)["activeapps"]
        if active:
            app = active[0]
            by_worker = spark_cluster.executors_by_worker(status_url, app["id"])
            try:
                running = spark_cluster.get_json(f"{ui_url}/api/v1/applications/{app['id']}/jobs?status=running")
            except (OSError, ValueError):  # the driver's UI is still starting
                running = []
            writing = [job for job in running if (job.get("description") or "").startswith("write ")]
            if len(by_worker) == 2 and all(by_worker.values()) and writing:
                return app
        time.sleep(0.3)
    raise AssertionError(f"the migration never wrote on both workers: {migration.stop()[-3000:]}")


def test_the_warehouse_writer_streams_rows_from_the_workers_as_in_docker_compose(spark_on_cluster, settings):
    """docker-compose's shape: a standalone cluster and a ClickHouse whose HTTP port CLICKHOUSE_URL
    names. The writer's jar travels to the executors with the JDBC drivers (spark.jars), and each
    worker's executor streams its partitions to the server itself."""
    import os
    import uuid

    from pyspark.sql import functions as F

    from analytics.warehouse import ServerWarehouse, with_database
    from spark_jobs import sink
    from spark_jobs.session import start_session

    database = f"test_{uuid.uuid4().hex[:12]}"
    settings.CLICKHOUSE_URL = with_database(os.environ["CLICKHOUSE_URL"], database)  # the single server, over HTTP
    settings.CLICKHOUSE_CLUSTER = ""
    assert sink.http_endpoint(settings.CLICKHOUSE_URL) is not None
    schema.migrate()
    store = ServerWarehouse(settings.CLICKHOUSE_URL)
    try:
        session = start_session()
        now = F.current_timestamp()
        frame = session.range(1, 20_001, numPartitions=4).select(
            F.col("id").alias("product_id"),
            F.lit(7).cast("long").alias("seller_id"),
            F.lit(3).cast("long").alias("category_id"),
            F.concat(F.lit('a "kettle", no. '), F.col("id").cast("string")).alias("title"),
            (F.col("id") / 100).cast("decimal(14,2)").alias("price"),
            (F.col("id") % 2).alias("is_active"),
            now.alias("created_at"),
            now.alias("updated_at"),
        )
        assert sink.write(frame, "products", version=5) == 20_000

        context = SparkContext._active_spark_context
        writes = spark_cluster.write_tasks(f"http://127.0.0.1:{settings.SPARK_UI_PORT}", context.applicationId)
        assert writes["products"]["executors"] == {"0", "1"}, writes  # both workers wrote; never "driver"
        stored = store.query("SELECT count() AS rows, sum(price) AS total, any(title) AS title FROM products FINAL")[0]
        assert (stored["rows"], stored["total"]) == (20_000, Decimal("2000100.00"))
        assert stored["title"].startswith('a "kettle", no. ')
    finally:
        store.execute(f"DROP DATABASE IF EXISTS {database}")
