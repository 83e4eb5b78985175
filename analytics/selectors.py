"""What the back-office analytics pages show, read from the warehouse's aggregates.

Every function takes a `Scope`: the date range, the period to group by, an
optional category (with its subcategories) and, for a seller, their own id, so
a seller's figures never include another seller's sales. The SQL runs on
ClickHouse 18.16, current ClickHouse and chdb alike; every value put into it is
an integer or a date this module formatted itself.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.warehouse import warehouse

PERIODS = {"day": "day", "week": "toMonday(day)", "month": "toStartOfMonth(day)"}


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    period: str = "day"
    category_ids: tuple[int, ...] = ()
    seller_id: int | None = None
    # Shown next to the figures, so a reader knows what they are looking at.
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    def where(self, *, category: bool = True, seller: bool = True) -> str:
        conditions = [f"day >= toDate('{self.start.isoformat()}')", f"day <= toDate('{self.end.isoformat()}')"]
        if category and self.category_ids:
            conditions.append(f"category_id IN ({', '.join(str(int(pk)) for pk in self.category_ids)})")
        if seller and self.seller_id is not None:
            conditions.append(f"seller_id = {int(self.seller_id)}")
        return " AND ".join(conditions)

    def newest(self, table: str) -> str:
        """Rows of each day's newest aggregation only (see `latest`)."""
        return latest(table, self.start, self.end)

    @property
    def bucket(self) -> str:
        return f"toString({PERIODS[self.period]})"

    @property
    def narrowed(self) -> bool:
        return bool(self.category_ids) or self.seller_id is not None


def scope_for(user, *, start: date, end: date, period: str = "day", category_id: int | None = None) -> Scope:
    """What `user` may see: staff the whole shop, a seller only their own products' figures.
    A category includes its subcategories."""
    from catalog.selectors import category_with_descendants
    from shop.admin_permissions import is_back_office_staff

    return Scope(
        start=start,
        end=end,
        period=period,
        category_ids=tuple(category_with_descendants(category_id) or ()) if category_id else (),
        seller_id=None if is_back_office_staff(user) else user.pk,
    )


def latest(table: str, start: date | None = None, end: date | None = None) -> str:
    """A condition keeping, for each day, the rows of the aggregation run that wrote it last.

    data_aggregation rewrites a day whole under one version, so the newest version
    of a day is that day's complete answer: cheaper than FINAL (4× on the 10M-event
    benchmark), and a group that vanished from a day's recomputation vanishes here too.
    """
    within = ""
    if start and end:
        within = f"WHERE day >= toDate('{start.isoformat()}') AND day <= toDate('{end.isoformat()}') "
    return f"(day, version) IN (SELECT day, max(version) FROM {table} {within}GROUP BY day)"


def sales_over_time(scope: Scope) -> list[dict]:
    """Revenue, orders and average order value per period.

    With no category or seller chosen, orders are counted once each (the daily
    orders aggregate); narrowed, an order counts once in each category and seller
    it touched.
    """
    store = warehouse()
    revenue = store.query(
        f"SELECT {scope.bucket} AS period, toString(sum(revenue)) AS amount, sum(units) AS items, "
        f"sum(orders) AS order_count FROM daily_sales_aggregation "
        f"WHERE {scope.where()} AND {scope.newest('daily_sales_aggregation')} GROUP BY period ORDER BY period"
    )
    rows = {row["period"]: row for row in revenue}
    if not scope.narrowed:
        exact = store.query(
            f"SELECT {scope.bucket} AS period, sum(orders) AS order_count FROM daily_orders_aggregation "
            f"WHERE {scope.where(category=False, seller=False)} AND {scope.newest('daily_orders_aggregation')} "
            "GROUP BY period"
        )
        for row in exact:
            rows.setdefault(row["period"], {"amount": "0", "items": 0})["order_count"] = row["order_count"]
    result = []
    for period in sorted(rows):
        row = rows[period]
        amount, orders = Decimal(row.get("amount") or 0), int(row.get("order_count") or 0)
        result.append(
            {
                "period": period,
                "revenue": _cents(amount),
                "orders": orders,
                "units": int(row.get("items") or 0),
                "average_order_value": _cents(amount / orders) if orders else Decimal("0.00"),
            }
        )
    return result


def sales_by_category(scope: Scope) -> list[dict]:
    rows = warehouse().query(
        "SELECT category_id, toString(sum(revenue)) AS amount, sum(units) AS items, sum(orders) AS order_count "
        f"FROM daily_sales_aggregation WHERE {scope.where()} AND {scope.newest('daily_sales_aggregation')} "
        "GROUP BY category_id ORDER BY sum(revenue) DESC"
    )
    from catalog.selectors import category_labels

    names = category_labels([int(row["category_id"]) for row in rows])
    return [
        {
            "category": names.get(int(row["category_id"]), f"#{row['category_id']}"),
            "revenue": _cents(Decimal(row["amount"])),
            "units": int(row["items"]),
            "orders": int(row["order_count"]),
        }
        for row in rows
    ]


def top_products(scope: Scope, limit: int = 10) -> list[dict]:
    from catalog.models import Product

    rows = warehouse().query(
        "SELECT product_id, toString(sum(revenue)) AS amount, sum(units) AS items, sum(views) AS seen "
        f"FROM product_activity_aggregation WHERE {scope.where()} AND {scope.newest('product_activity_aggregation')} "
        f"GROUP BY product_id HAVING sum(units) > 0 ORDER BY sum(revenue) DESC, product_id LIMIT {int(limit)}"
    )
    titles = dict(Product.objects.filter(pk__in=[row["product_id"] for row in rows]).values_list("pk", "title"))
    return [
        {
            "product": titles.get(int(row["product_id"]), f"#{row['product_id']}"),
            "revenue": _cents(Decimal(row["amount"])),
            "units": int(row["items"]),
            "views": int(row["seen"]),
        }
        for row in rows
    ]


def top_sellers(scope: Scope, limit: int = 10) -> list[dict]:
    from accounts.models import SellerProfile

    rows = warehouse().query(
        "SELECT seller_id, toString(sum(revenue)) AS amount, sum(units) AS items "
        f"FROM daily_sales_aggregation WHERE {scope.where()} AND {scope.newest('daily_sales_aggregation')} "
        f"GROUP BY seller_id ORDER BY sum(revenue) DESC, seller_id LIMIT {int(limit)}"
    )
    shops = dict(
        SellerProfile.objects.filter(user_id__in=[row["seller_id"] for row in rows]).values_list("user_id", "shop_name")
    )
    return [
        {
            "seller": shops.get(int(row["seller_id"]), f"#{row['seller_id']}"),
            "revenue": _cents(Decimal(row["amount"])),
            "units": int(row["items"]),
        }
        for row in rows
    ]


def funnel(scope: Scope) -> list[dict]:
    """Product views → cart additions → purchases, with each step's rate from the one before."""
    rows = warehouse().query(
        "SELECT sum(views) AS seen, sum(cart_adds) AS added, sum(orders) AS bought "
        f"FROM product_activity_aggregation WHERE {scope.where()} AND {scope.newest('product_activity_aggregation')}"
    )
    row = rows[0] if rows else {}
    steps = [
        (_("Product views"), int(row.get("seen") or 0)),
        (_("Added to cart"), int(row.get("added") or 0)),
        (_("Purchased"), int(row.get("bought") or 0)),
    ]
    result, previous = [], None
    for name, count in steps:
        rate = None if previous is None else (round(100 * count / previous, 1) if previous else 0.0)
        result.append({"step": name, "count": count, "rate_from_previous_percent": rate})
        previous = count
    return result


def active_users(scope: Scope) -> list[dict]:
    """Signed-in shoppers with any activity per period (the whole shop's; staff only)."""
    rows = warehouse().query(
        f"SELECT {scope.bucket} AS period, uniqExact(user_id) AS people, sum(purchases) AS bought "
        f"FROM user_activity_aggregation WHERE {scope.where(category=False, seller=False)} AND user_id != 0 "
        f"AND {scope.newest('user_activity_aggregation')} "
        "GROUP BY period ORDER BY period"
    )
    return [
        {"period": row["period"], "active_users": int(row["people"]), "purchases": int(row["bought"])} for row in rows
    ]


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


# --- what shoppers do with each product, and whether they come back ---------------------

FUNNEL_SORTS = {
    "views": "seen",
    "cart_adds": "added",
    "purchases": "bought",
    "view_to_cart": "if(seen = 0, 0, added / seen)",
    "cart_to_purchase": "if(added = 0, 0, bought / added)",
    "view_to_purchase": "if(seen = 0, 0, bought / seen)",
}


def product_funnel(scope: Scope, *, sort: str = "views", descending: bool = True, limit: int = 50) -> list[dict]:
    """Views → cart additions → purchases per product, with each step's rate: where a listing leaks.

    `sort` is one of FUNNEL_SORTS (ties: product id); the first `limit` products.
    """
    from catalog.models import Product

    order = f"{FUNNEL_SORTS[sort]} {'DESC' if descending else 'ASC'}, product_id"
    rows = warehouse().query(
        "SELECT product_id, seen, added, bought FROM (SELECT product_id, sum(views) AS seen, sum(cart_adds) AS added, "
        "sum(orders) AS bought FROM product_activity_aggregation "
        f"WHERE {scope.where()} AND {scope.newest('product_activity_aggregation')} GROUP BY product_id) "
        f"ORDER BY {order} LIMIT {int(limit)}"
    )
    titles = dict(Product.objects.filter(pk__in=[row["product_id"] for row in rows]).values_list("pk", "title"))
    result = []
    for row in rows:
        seen, added, bought = int(row["seen"]), int(row["added"]), int(row["bought"])
        result.append(
            {
                "product": titles.get(int(row["product_id"]), f"#{row['product_id']}"),
                "views": seen,
                "cart_adds": added,
                "purchases": bought,
                "view_to_cart_percent": _percent(added, seen),
                "cart_to_purchase_percent": _percent(bought, added),
                "view_to_purchase_percent": _percent(bought, seen),
            }
        )
    return result


COHORT_WEEKS = 12


def cohort_retention(scope: Scope, *, weeks: int = COHORT_WEEKS) -> list[dict]:
    """Shoppers grouped by the week of their first purchase (in the date range), and the share of each
    group who bought again 1, 2, … `weeks` weeks later (None for weeks still to come).

    For a seller, their own customers and purchases only (orders holding their products); with a
    category, purchases in it. First purchases are looked for over all time, not only the range, so
    a shopper who bought before the range is not counted as new in it.
    """
    start, end = scope.start.isoformat(), scope.end.isoformat()
    # One pass over the purchases: each shopper's weeks with a purchase, the first of them their cohort
    # (reading the purchases twice and joining them cost twice as much).
    rows = warehouse().query(
        "SELECT toString(cohort) AS cohort_week, toRelativeWeekNum(week) - toRelativeWeekNum(cohort) AS weeks_after, "
        "uniqExact(buyer_id) AS shoppers FROM "
        "(SELECT buyer_id, groupUniqArray(toMonday(created_at)) AS weeks, arrayReduce('min', weeks) AS cohort "
        f"FROM ({_purchases(scope)}) GROUP BY buyer_id) ARRAY JOIN weeks AS week "
        f"WHERE cohort >= toMonday(toDate('{start}')) AND cohort <= toDate('{end}') "
        "GROUP BY cohort, weeks_after ORDER BY cohort, weeks_after"
    )
    this_week = _monday(timezone.now().date())
    cohorts: dict[str, dict[int, int]] = {}
    for row in rows:
        cohorts.setdefault(row["cohort_week"], {})[int(row["weeks_after"])] = int(row["shoppers"])
    result = []
    for cohort, counts in sorted(cohorts.items()):
        size = counts.get(0, 0)
        elapsed = (this_week - date.fromisoformat(cohort)).days // 7
        row: dict = {"cohort_week": cohort, "shoppers": size}
        for week in range(1, weeks + 1):
            row[f"week_{week}"] = _percent(counts.get(week, 0), size) if week <= elapsed else None
        result.append(row)
    return result


def _purchases(scope: Scope) -> str:
    """(buyer_id, created_at) of purchases in scope: orders that were not cancelled, or, narrowed to a
    seller or a category, the orders holding such lines."""
    orders = "SELECT order_id, buyer_id, created_at FROM orders FINAL WHERE status != 'cancelled'"
    if not scope.narrowed:
        return orders
    conditions = ["1"]
    if scope.seller_id is not None:
        conditions.append(f"seller_id = {int(scope.seller_id)}")
    if scope.category_ids:
        conditions.append(f"category_id IN ({', '.join(str(int(pk)) for pk in scope.category_ids)})")
    # Every copy of a line names the same order and seller (a line never changes after checkout), so
    # DISTINCT alone makes the orders of a seller exact; a line's category is its product's at the
    # time of the copy, and only the newest copy (FINAL, half the query's time) says it.
    final = " FINAL" if scope.category_ids else ""
    return (
        f"SELECT buyer_id, created_at FROM (SELECT DISTINCT order_id FROM order_lines{final} "
        f"WHERE {' AND '.join(conditions)}) AS line ALL INNER JOIN ({orders}) AS placed USING order_id"
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
