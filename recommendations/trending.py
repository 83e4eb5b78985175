"""Trending now: the products whose views, cart additions and purchases rise fastest, from `raw_events`.

Read at request time (and cached for TRENDING_CACHE_SECONDS), so a purchase the
Kafka consumer stored a moment ago counts: the consumer keeps `raw_events` within
about a second of the relay, which runs every second (docs/recommendations.md
measures the whole way, order to shelf).

For each product, over the last WINDOW_HOURS, every event counts its weight
(view 1, cart addition 3, each product of an order 5) halved for every
HALF_LIFE_HOURS of age: a spike fades within hours and yesterday's is all but
gone. That recent activity is compared with what the product usually gets: its
weighted events per hour over the BASELINE_DAYS before the window, times the mean
life of an event under the decay (HALF_LIFE_HOURS / ln 2). The rise is

    (recent + SMOOTHING) / (usual + SMOOTHING)

so a product that always sells well does not trend for selling well, and a
product with one stray view does not trend either; MIN_RISE is the bar.
"""

import math
from datetime import UTC, datetime, timedelta

from analytics.warehouse import warehouse

WINDOW_HOURS = 24
BASELINE_DAYS = 7
HALF_LIFE_HOURS = 2.0
WEIGHTS = {"product_viewed": 1, "cart_item_added": 3, "order_placed": 5}
SMOOTHING = 10.0
MIN_RISE = 1.5
CANDIDATES = 50


def rising(now: datetime | None = None, *, limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(product id, rise) of the products that trend, fastest rise first (ties: more recent activity, lower id)."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    activity = warehouse().query(_activity_sql(now))
    usual_per_event = HALF_LIFE_HOURS / math.log(2) / (BASELINE_DAYS * 24)
    scored = []
    for row in activity:
        recent, before = float(row["recent"]), float(row["before"])
        rise = (recent + SMOOTHING) / (before * usual_per_event + SMOOTHING)
        if rise >= MIN_RISE:
            scored.append((int(row["product_id"]), round(rise, 3), recent))
    scored.sort(key=lambda item: (-item[1], -item[2], item[0]))
    return [(product, rise) for product, rise, _ in scored[:limit]]


# A visitor's views of a product count once per hour (the visitor: the account, else the session's
# pseudonym); other events, and views that name no visitor, count each. One client reloading a page
# cannot push it up (catalog/view_counting.py also records a view once per visitor per window).
_ONE_VIEW_PER_VISITOR_AND_HOUR = (
    "if(t = 'product_viewed' AND (uid != 0 OR visit != ''), "
    "concat(if(uid != 0, toString(uid), concat('s', visit)), '|', extract(p, '\"product_id\":([0-9]+)'), '|', "
    "toString(toStartOfHour(ts))), toString(event_id))"
)


def _activity_sql(now: datetime) -> str:
    """Per product: decayed weighted events in the window, plain weighted events in the baseline before it.

    Events are de-duplicated by id (the consumer stores each once; this also holds between
    merges of the ReplacingMergeTree), then a visitor's views of a product to one per hour, and
    an order's products are read from its lines.
    Every value put into the SQL is a number or a datetime formatted here.
    """
    moment = f"toDateTime('{now:%Y-%m-%d %H:%M:%S}')"
    window_start = f"toDateTime('{now - timedelta(hours=WINDOW_HOURS):%Y-%m-%d %H:%M:%S}')"
    baseline_start = now - timedelta(hours=WINDOW_HOURS) - timedelta(days=BASELINE_DAYS)
    types = ", ".join(f"'{name}'" for name in WEIGHTS)
    weight = "multiIf(" + ", ".join(f"kind = '{name}', {value}" for name, value in WEIGHTS.items()) + ", 0)"
    half_life = int(HALF_LIFE_HOURS * 3600)
    return (
        "SELECT toUInt64(product_text) AS product_id, "
        f"sumIf({weight} * exp2(-greatest(0, toInt64(toUInt32({moment})) - toInt64(toUInt32(at))) / {half_life}), "
        f"at >= {window_start}) AS recent, "
        f"sumIf({weight}, at < {window_start}) AS before "
        "FROM (SELECT any(t) AS kind, max(ts) AS at, any(p) AS body FROM "
        "(SELECT any(type) AS t, any(occurred_at) AS ts, any(payload) AS p, any(user_id) AS uid, "
        "any(session) AS visit, event_id FROM raw_events "
        f"WHERE type IN ({types}) AND occurred_at >= toDateTime('{baseline_start:%Y-%m-%d %H:%M:%S}') "
        f"AND occurred_at <= {moment} GROUP BY event_id) "
        f"GROUP BY {_ONE_VIEW_PER_VISITOR_AND_HOUR}) "
        "ARRAY JOIN extractAll(body, '\"product_id\":([0-9]+)') AS product_text "
        "GROUP BY product_id HAVING recent > 0"
    )
