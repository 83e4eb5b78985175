"""Builds the aggregates the back-office reads, for every day that has new facts or events.

`daily_sales_aggregation` (day × category × seller), `daily_orders_aggregation`
(day), `user_activity_aggregation` (day × user) and `product_activity_aggregation`
(day × product) are computed by
the warehouse itself, from the synced facts and the raw events, with one INSERT …
SELECT each: the rows never leave ClickHouse. A day is recomputed whole and its
new rows carry this run's version, so re-running gives the same numbers and a
cancelled order drops out of its day's revenue. Readers take each day's newest
version (analytics.selectors.latest), which is cheaper than FINAL and also drops
a group that no longer exists.

The days to recompute: those of orders and lines written since the last
aggregation (by version), and those of events received since then (with a
minute's overlap for events still being inserted).
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # `spark-submit spark_jobs/<job>.py`: run it as the pipeline does (recorded, locked), exit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.submit import submit

    submit(Path(__file__).stem)

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext, ngettext

from analytics.warehouse import warehouse
from spark_jobs.context import JobContext, JobResult

NAME = "data_aggregation"
EVENT_OVERLAP = timedelta(minutes=1)
NOT_CANCELLED = "status != 'cancelled'"


def run(context: JobContext, *, days: list[str] | None = None) -> JobResult:
    from analytics.models import Watermark

    store = warehouse()
    mark, _ = Watermark.objects.get_or_create(name=NAME)
    now = datetime.fromisoformat(store.query("SELECT toString(now()) AS now")[0]["now"])
    if days is None and context.options.get("rebuild"):
        days = affected_days(store, since_version=0, received_since=None)
    elif days is None:
        days = affected_days(store, since_version=mark.version, received_since=mark.value)
    rows = {}
    if days:
        for table, sql in statements(days, context.version).items():
            store.execute(sql)
            rows[table] = int(
                store.query(f"SELECT count() AS n FROM {table} WHERE version = {int(context.version)}")[0]["n"]
            )
            context.say(
                ngettext(
                    "%(table)s: %(rows)d rows over %(days)d day",
                    "%(table)s: %(rows)d rows over %(days)d days",
                    len(days),
                )
                % {"table": table, "rows": rows[table], "days": len(days)}
            )
    else:
        context.say(gettext("nothing new to aggregate"))
    mark.version = context.version
    mark.value = (now - EVENT_OVERLAP).replace(tzinfo=UTC)
    mark.save()
    return JobResult(rows=rows, details={"days": days[:366], "day_count": len(days)})


def affected_days(store, *, since_version: int, received_since: datetime | None) -> list[str]:
    received = received_since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if received_since else "1970-01-01 00:00:00"
    version = int(since_version)
    found = store.query(
        f"SELECT DISTINCT toString(toDate(order_created_at)) AS day FROM order_lines WHERE version > {version} "
        f"UNION ALL SELECT DISTINCT toString(toDate(created_at)) AS day FROM orders WHERE version > {version} "
        f"UNION ALL SELECT DISTINCT toString(toDate(occurred_at)) AS day FROM raw_events "
        f"WHERE received_at >= toDateTime('{received}')"
    )
    return sorted({row["day"] for row in found})


def _within(column: str, days: list[str]) -> str:
    """A filter on the days, with a range the table's partitioning can use to skip parts."""
    listed = ", ".join(f"'{datetime.strptime(day, '%Y-%m-%d').date().isoformat()}'" for day in days)
    return (
        f"{column} >= toDateTime('{min(days)} 00:00:00') AND {column} < toDateTime('{max(days)} 00:00:00') + 86400 "
        f"AND toString(toDate({column})) IN ({listed})"
    )


def _sold_lines(days: list[str]) -> str:
    """Order lines of those days with their order's current status (each row's newest copy).

    ALL, not ANY: current ClickHouse's ANY INNER JOIN keeps one left row per key,
    which would drop all but one line of each order; the right side is one row
    per order, so ALL joins each line exactly once on every version.
    """
    return (
        "(SELECT order_id, product_id, category_id, seller_id, quantity, line_total, order_created_at "
        f"FROM order_lines FINAL WHERE {_within('order_created_at', days)}) AS sold "
        f"ALL INNER JOIN (SELECT order_id, status FROM orders FINAL WHERE {_within('created_at', days)}) AS placed "
        "USING order_id"
    )


def statements(days: list[str], version: int) -> dict[str, str]:
    version = int(version)
    daily_sales = (
        "INSERT INTO daily_sales_aggregation "
        "(day, category_id, seller_id, orders, units, revenue, average_order_value, version) "
        f"SELECT day, category_id, seller_id, orders, units, revenue, revenue / greatest(orders, 1), {version} "
        "FROM (SELECT toDate(order_created_at) AS day, category_id, seller_id, "
        f"uniqExactIf(order_id, {NOT_CANCELLED}) AS orders, sumIf(quantity, {NOT_CANCELLED}) AS units, "
        f"sumIf(line_total, {NOT_CANCELLED}) AS revenue "
        f"FROM {_sold_lines(days)} GROUP BY day, category_id, seller_id)"
    )
    user_activity = (
        "INSERT INTO user_activity_aggregation "
        "(day, user_id, views, searches, cart_adds, purchases, conversion, version) "
        f"SELECT day, user_id, views, searches, cart_adds, purchases, "
        f"if(views = 0, 0, purchases / views), {version} "
        "FROM (SELECT toDate(occurred_at) AS day, user_id, "
        "countIf(type = 'product_viewed') AS views, countIf(type = 'search_performed') AS searches, "
        "countIf(type = 'cart_item_added') AS cart_adds, countIf(type = 'order_placed') AS purchases "
        f"FROM raw_events FINAL WHERE {_within('occurred_at', days)} GROUP BY day, user_id)"
    )
    product_activity = (
        "INSERT INTO product_activity_aggregation "
        "(day, product_id, seller_id, category_id, views, cart_adds, orders, units, revenue, version) "
        f"SELECT day, product_id, seller_id, category_id, views, cart_adds, orders, units, revenue, {version} "
        "FROM (SELECT day, product_id, sum(views) AS views, sum(cart_adds) AS cart_adds, "
        "sum(orders) AS orders, sum(units) AS units, sum(revenue) AS revenue FROM ("
        "SELECT toDate(occurred_at) AS day, visitParamExtractUInt(payload, 'product_id') AS product_id, "
        "toUInt64(type = 'product_viewed') AS views, toUInt64(type = 'cart_item_added') AS cart_adds, "
        "toUInt64(0) AS orders, toUInt64(0) AS units, toDecimal64(0, 2) AS revenue "
        f"FROM raw_events FINAL WHERE type IN ('product_viewed', 'cart_item_added') AND {_within('occurred_at', days)} "
        "UNION ALL "
        "SELECT toDate(order_created_at) AS day, product_id, toUInt64(0) AS views, toUInt64(0) AS cart_adds, "
        f"toUInt64({NOT_CANCELLED}) AS orders, toUInt64(if({NOT_CANCELLED}, quantity, 0)) AS units, "
        f"toDecimal64(if({NOT_CANCELLED}, line_total, toDecimal64(0, 2)), 2) AS revenue FROM {_sold_lines(days)}"
        ") AS activity WHERE product_id != 0 GROUP BY day, product_id) AS totals "
        "ALL LEFT JOIN (SELECT product_id, seller_id, category_id FROM products FINAL) AS catalogue USING product_id"
    )
    daily_orders = (
        "INSERT INTO daily_orders_aggregation (day, orders, revenue, version) "
        f"SELECT toDate(created_at) AS day, countIf({NOT_CANCELLED}), sumIf(total, {NOT_CANCELLED}), {version} "
        f"FROM orders FINAL WHERE {_within('created_at', days)} GROUP BY day"
    )
    return {
        "daily_orders_aggregation": daily_orders,
        "daily_sales_aggregation": daily_sales,
        "user_activity_aggregation": user_activity,
        "product_activity_aggregation": product_activity,
    }
