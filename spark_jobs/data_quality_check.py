"""Reconciles the warehouse against the shop's database, day by day, to the cent.

For every day with orders: the number of orders that were not cancelled and their
revenue (the sum of their lines), counted in PostgreSQL by a JDBC query Spark
pushes down, and in the warehouse from the synced orders and the newest daily
sales aggregate (what the charts show). Any difference fails the job, naming the days.
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # `spark-submit spark_jobs/<job>.py`: run it as the pipeline does (recorded, locked), exit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.submit import submit

    submit(Path(__file__).stem)

from decimal import Decimal

from django.utils.translation import ngettext

from analytics.selectors import latest
from analytics.warehouse import warehouse
from spark_jobs import source
from spark_jobs.context import DataQualityError, JobContext, JobResult

NAME = "data_quality_check"
USES_SPARK = True


def shop_totals(context: JobContext) -> dict[str, tuple[int, int]]:
    """day → (orders, revenue in cents), from the shop's database."""
    dialect = source.dialect()
    sql = (
        f"SELECT {dialect.day('o.created_at')} AS day, COUNT(DISTINCT o.id) AS orders, "
        f"SUM({dialect.cents('l.line_total')}) AS cents "
        "FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id "
        f"WHERE o.status <> 'cancelled' GROUP BY {dialect.day('o.created_at')}"
    )
    rows = source.read(context.spark, sql, text_columns=("day",)).collect()
    return {row["day"]: (int(row["orders"]), int(row["cents"])) for row in rows}


def warehouse_totals() -> dict[str, tuple[int, int]]:
    """day → (orders, revenue in cents), from the warehouse."""
    store = warehouse()
    orders = store.query(
        "SELECT toString(toDate(created_at)) AS day, count() AS orders FROM orders FINAL "
        "WHERE status != 'cancelled' GROUP BY day"
    )
    revenue = store.query(
        "SELECT toString(day) AS date, toString(sum(revenue)) AS amount FROM daily_sales_aggregation "
        f"WHERE {latest('daily_sales_aggregation')} GROUP BY day"
    )
    cents = {row["date"]: int(Decimal(row["amount"]) * 100) for row in revenue}
    days = {row["day"]: int(row["orders"]) for row in orders}
    return {
        day: (days.get(day, 0), cents.get(day, 0))
        for day in days.keys() | cents.keys()
        if days.get(day) or cents.get(day)
    }


def run(context: JobContext) -> JobResult:
    expected, found = shop_totals(context), warehouse_totals()
    differences = []
    for day in sorted(expected.keys() | found.keys()):
        want, have = expected.get(day, (0, 0)), found.get(day, (0, 0))
        if want != have:
            differences.append(
                {
                    "day": day,
                    "orders": {"shop": want[0], "warehouse": have[0]},
                    "revenue": {"shop": _money(want[1]), "warehouse": _money(have[1])},
                }
            )
    if differences:
        raise DataQualityError(differences)
    revenue = sum(cents for _, cents in expected.values())
    context.say(
        ngettext(
            "%(days)d day agrees: %(orders)d orders, %(revenue)s revenue",
            "%(days)d days agree: %(orders)d orders, %(revenue)s revenue",
            len(expected),
        )
        % {"days": len(expected), "orders": sum(n for n, _ in expected.values()), "revenue": _money(revenue)}
    )
    return JobResult(details={"days_checked": len(expected), "revenue": _money(revenue)})


def _money(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"
