"""The live panel: events, cart additions and orders per minute over the last hour, and how fresh the warehouse is.

Read straight from `raw_events`, which the Kafka consumer keeps within seconds of the
shop (no aggregation run in between), so the panel shows what happens now. A seller
sees the events about their own products (views of them, cart additions of them,
orders holding them); freshness is the pipeline's, the same for everyone.
"""

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from analytics.warehouse import warehouse

MINUTES = 60


def activity(*, seller_id: int | None = None, now: datetime | None = None) -> dict:
    """Per-minute counts for the last MINUTES minutes (oldest first) and the newest event's age."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    now = moment.replace(second=0)
    start = now - timedelta(minutes=MINUTES - 1)
    within = f"occurred_at >= {_literal(start)} AND occurred_at < {_literal(now + timedelta(minutes=1))}"
    rows = warehouse().query(
        "SELECT toString(toStartOfMinute(at)) AS minute, count() AS events, "
        "countIf(kind = 'cart_item_added') AS carts, countIf(kind = 'order_placed') AS orders "
        f"FROM (SELECT any(type) AS kind, any(occurred_at) AS at FROM raw_events WHERE {within} "
        f"{_about_seller(seller_id)} GROUP BY event_id) GROUP BY minute"
    )
    by_minute = {row["minute"]: row for row in rows}
    minutes = [start + timedelta(minutes=n) for n in range(MINUTES)]
    series = {"events": [], "cart_additions": [], "orders": []}
    for minute in minutes:
        row = by_minute.get(f"{minute:%Y-%m-%d %H:%M:%S}", {})
        series["events"].append(int(row.get("events") or 0))
        series["cart_additions"].append(int(row.get("carts") or 0))
        series["orders"].append(int(row.get("orders") or 0))
    return {
        "minutes": [f"{minute:%H:%M}" for minute in minutes],
        **series,
        "totals": {name: sum(values) for name, values in series.items()},
        **freshness(moment),
    }


def freshness(now: datetime) -> dict:
    """The newest event in the warehouse: when it happened and how long ago (None while there is none)."""
    newest = warehouse().query(
        "SELECT toString(max(occurred_at)) AS at, count() AS events FROM raw_events "
        f"WHERE occurred_at >= {_literal(now - timedelta(days=1))}"
    )
    if not int(newest[0]["events"]):
        newest = warehouse().query("SELECT toString(max(occurred_at)) AS at, count() AS events FROM raw_events")
    if not int(newest[0]["events"]):
        return {"newest_event_at": None, "newest_event_age_seconds": None}
    at = datetime.fromisoformat(newest[0]["at"])
    return {"newest_event_at": f"{at:%Y-%m-%d %H:%M:%S} UTC", "newest_event_age_seconds": max(0, _seconds(now, at))}


def age_words() -> dict[str, str]:
    """How an age is said in the page's language; static/js/analytics-live.js reads the same words
    (the page embeds them), so the figure it redraws speaks the page's language too. Units are
    abbreviated: no plural forms to choose in a script."""
    return {
        "never": _("no events yet"),
        "d": _("%(count)s d ago"),
        "h": _("%(count)s h ago"),
        "min": _("%(count)s min ago"),
        "s": _("%(count)s s ago"),
    }


def describe_age(seconds: int | None) -> str:
    """ "12 s ago", "4 min ago", "3 h ago", "2 d ago"."""
    words = age_words()
    if seconds is None:
        return words["never"]
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return words[unit] % {"count": seconds // size}
    return words["s"] % {"count": seconds}


def _about_seller(seller_id: int | None) -> str:
    """Narrows the events to a seller's products: views carry the seller, orders carry it per line,
    cart additions only the product (looked up in the synced catalogue)."""
    if seller_id is None:
        return ""
    seller = int(seller_id)
    return (
        f"AND ((type = 'product_viewed' AND visitParamExtractUInt(payload, 'seller_id') = {seller}) "
        f"OR (type = 'order_placed' AND has(extractAll(payload, '\"seller_id\":([0-9]+)'), '{seller}')) "
        "OR (type = 'cart_item_added' AND visitParamExtractUInt(payload, 'product_id') IN "
        f"(SELECT product_id FROM products WHERE seller_id = {seller})))"
    )


def _literal(moment: datetime) -> str:
    return f"toDateTime('{moment:%Y-%m-%d %H:%M:%S}')"


def _seconds(now: datetime, then: datetime) -> int:
    return int((now - then).total_seconds())
