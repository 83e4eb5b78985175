"""The storefront's shelves: bought together, recommended for you, trending now.

Each shelf takes ranked product ids from recommendations.candidates (the warehouse,
through the cache) and keeps only what a shopper may be offered, read fresh from
the shop's database on every request: on sale, in stock, sold by an active seller,
and never the product the page is about nor what the shopper bought. That costs one
query for the products and one for their images (and one for the shopper's
purchases), however many candidates there are, so a page's query count does not
grow with its shelves. A warehouse that does not answer gives an empty
shelf whose source is "unavailable"; pages leave empty shelves out.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy

from catalog import selectors as catalog_selectors
from catalog.models import Product
from orders.selectors import products_bought_by
from recommendations import candidates, trending
from recommendations.scoring import padded

BOUGHT_TOGETHER_LIMIT = 6
FOR_YOU_LIMIT = 8
TRENDING_LIMIT = 8


class Source(StrEnum):
    BOUGHT_TOGETHER = "bought_together"  # association rules mined from orders (product_affinity)
    CATEGORY_BEST_SELLERS = "category_best_sellers"  # no rule for this product yet: its category's best sellers
    ITEM_TO_ITEM = "item_to_item"  # bought together with what this shopper bought, topped up with best sellers
    BEST_SELLERS = "best_sellers"  # nothing to go on for this shopper yet: the shop's best sellers
    TRENDING = "trending"
    UNAVAILABLE = "unavailable"  # the warehouse did not answer


TITLES = {
    Source.BOUGHT_TOGETHER: gettext_lazy("Often bought together"),
    Source.CATEGORY_BEST_SELLERS: gettext_lazy("Best sellers in this category"),
    Source.ITEM_TO_ITEM: gettext_lazy("Recommended for you"),
    Source.BEST_SELLERS: gettext_lazy("Popular with shoppers"),
    Source.TRENDING: gettext_lazy("Trending now"),
}


@dataclass
class Shelf:
    source: Source
    products: list[Product] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(TITLES.get(self.source, ""))

    def __bool__(self) -> bool:
        return bool(self.products)


def bought_together(product: Product, *, limit: int = BOUGHT_TOGETHER_LIMIT) -> Shelf:
    """What shoppers bought with this product; its category's best sellers while there is no rule for it."""
    try:
        together = candidates.bought_with(product.pk)
        fallback = candidates.best_sellers(product.category_id)
    except candidates.Unavailable:
        return Shelf(Source.UNAVAILABLE)
    offered = _offerable([*together, *fallback], exclude={product.pk})
    chosen = _in_order(together, offered)[:limit]
    if chosen:
        return Shelf(Source.BOUGHT_TOGETHER, chosen)
    return Shelf(Source.CATEGORY_BEST_SELLERS, _in_order(fallback, offered)[:limit])


def for_shopper(user, *, limit: int = FOR_YOU_LIMIT) -> Shelf:
    """Products bought together with what this shopper bought (never those), then the shop's best sellers."""
    if not user.is_authenticated:
        return Shelf(Source.UNAVAILABLE)
    bought = products_bought_by(user)  # read fresh: what they bought a minute ago is never offered
    try:
        ranked = candidates.for_shopper(user.pk, bought)
        popular = candidates.best_sellers()
    except candidates.Unavailable:
        return Shelf(Source.UNAVAILABLE)
    offered = _offerable([*ranked, *popular], exclude=set(bought))
    personal = [product.pk for product in _in_order(ranked, offered)]
    chosen = padded(personal, [pk for pk in popular if pk in offered], limit=limit)
    return Shelf(Source.ITEM_TO_ITEM if personal else Source.BEST_SELLERS, [offered[pk] for pk in chosen])


def trending_now(*, limit: int = TRENDING_LIMIT) -> Shelf:
    """The products rising fastest (recommendations.trending), each with its `trend_score`."""
    try:
        rising = candidates.rising()
    except candidates.Unavailable:
        return Shelf(Source.UNAVAILABLE)
    offered = _offerable([pk for pk, _ in rising])
    products = []
    for pk, rise in rising:
        if pk in offered and len(products) < limit:
            offered[pk].trend_score = rise
            products.append(offered[pk])
    return Shelf(Source.TRENDING, products)


def trending_window() -> dict:
    return {"window_hours": trending.WINDOW_HOURS, "half_life_hours": trending.HALF_LIFE_HOURS}


def _offerable(ids: list[int], *, exclude: set[int] = frozenset()) -> dict[int, Product]:
    """The candidates a shopper may be offered now, by id (one query, plus one for images)."""
    wanted = set(ids) - exclude
    if not wanted:
        return {}
    products = catalog_selectors.visible_products().filter(pk__in=wanted, stock__gt=0, seller__is_active=True)
    return {product.pk: product for product in products}


def _in_order(ids: list[int], offered: dict[int, Product]) -> list[Product]:
    return [offered[pk] for pk in dict.fromkeys(ids) if pk in offered]
