"""Ranked product ids from the warehouse, kept in the cache: what each shelf may show, before the shop's rules.

Every function answers from the cache when it can, so a page asks the warehouse
at most once per key and RECOMMENDATIONS_CACHE_SECONDS (Trending: TRENDING_CACHE_SECONDS).
A warehouse that fails is not asked again for OUTAGE_SECONDS: the pages leave the
shelves out meanwhile instead of each waiting for a connection that will not come.
Which of these products may be shown (visible, in stock, sold by an active seller)
is decided later, against the shop's database, on every request (recommendations.selectors).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from analytics.selectors import latest
from analytics.warehouse import warehouse
from recommendations import models_table, scoring, trending

log = logging.getLogger(__name__)

CANDIDATES = 30
BEST_SELLER_DAYS = 30
OUTAGE_SECONDS = 30
OUTAGE_KEY = "recs:warehouse-unavailable"


class Unavailable(Exception):
    """The warehouse did not answer (now, or within the last OUTAGE_SECONDS)."""


def bought_with(product_id: int) -> list[int]:
    """Products most often bought together with this one, best rule first."""
    return _remembered(
        f"recs:together:{int(product_id)}",
        lambda: _ids(
            f"SELECT other_id FROM product_affinity WHERE product_id = {int(product_id)} "
            f"AND version = {models_table.current_version(models_table.PRODUCT_AFFINITY)} "
            f"ORDER BY rank LIMIT {CANDIDATES}",
            column="other_id",
        ),
    )


def for_shopper(user_id: int, bought: list[int]) -> list[int]:
    """Products bought together with what the shopper bought, best first (they may include what was
    bought since the cache was filled: the caller leaves those out).

    Item-to-item from the newest product_affinity rules (recommendations.scoring), which
    ranked shoppers' next purchases better than ALS on the evaluation (docs/recommendations.md).
    """
    return _remembered(
        f"recs:shopper:{int(user_id)}",
        lambda: scoring.item_to_item(bought, rules_from(bought), limit=CANDIDATES),
    )


def rules_from(product_ids: list[int]) -> dict[int, list[tuple[int, float]]]:
    """product → [(other, confidence)] of the newest rules, for these products."""
    if not product_ids:
        return {}
    listed = ", ".join(str(int(pk)) for pk in product_ids)
    rules: dict[int, list[tuple[int, float]]] = {}
    for row in warehouse().query(
        f"SELECT product_id, other_id, confidence FROM product_affinity WHERE product_id IN ({listed}) "
        f"AND version = {models_table.current_version(models_table.PRODUCT_AFFINITY)} ORDER BY product_id, rank"
    ):
        rules.setdefault(int(row["product_id"]), []).append((int(row["other_id"]), float(row["confidence"])))
    return rules


def best_sellers(category_id: int | None = None) -> list[int]:
    """The most units sold over the last BEST_SELLER_DAYS days, in one category or the whole shop."""
    key = f"recs:best:{int(category_id) if category_id else 'all'}"
    return _remembered(key, lambda: _best_sellers(category_id))


def rising() -> list[tuple[int, float]]:
    """Trending products and their rise (recommendations.trending)."""
    return _remembered("recs:trending", trending.rising, seconds=settings.TRENDING_CACHE_SECONDS)


def _best_sellers(category_id: int | None) -> list[int]:
    end = timezone.now().date()
    start = end - timedelta(days=BEST_SELLER_DAYS - 1)
    narrowed = f"AND category_id = {int(category_id)} " if category_id else ""
    return _ids(
        "SELECT product_id, sum(units) AS sold FROM product_activity_aggregation "
        f"WHERE day >= toDate('{start.isoformat()}') AND day <= toDate('{end.isoformat()}') {narrowed}"
        f"AND {latest('product_activity_aggregation', start, end)} "
        f"GROUP BY product_id HAVING sold > 0 ORDER BY sold DESC, product_id LIMIT {CANDIDATES}"
    )


def _ids(sql: str, column: str = "product_id") -> list[int]:
    return [int(row[column]) for row in warehouse().query(sql)]


def _remembered(key: str, compute: Callable[[], list], *, seconds: int | None = None) -> list:
    held = cache.get_many([key, OUTAGE_KEY])  # one round trip for both, on every page with a shelf
    if held.get(key) is not None:
        return held[key]
    if held.get(OUTAGE_KEY):
        raise Unavailable("the warehouse did not answer a moment ago")
    try:
        found = compute()
    except Exception as error:  # down, unreachable, busy, or its tables not created yet
        log.warning("recommendations: the warehouse did not answer (%s); shelves left out", error)
        cache.set(OUTAGE_KEY, True, OUTAGE_SECONDS)
        raise Unavailable(str(error)) from error
    cache.set(key, found, settings.RECOMMENDATIONS_CACHE_SECONDS if seconds is None else seconds)
    return found
