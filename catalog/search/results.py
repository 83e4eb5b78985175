"""What a search asks and what it answers, whichever backend serves it."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop.i18n.formatting import money

PRICE_RANGES: list[tuple[str, Decimal | None, Decimal | None]] = [
    ("0-25", None, Decimal("25")),
    ("25-100", Decimal("25"), Decimal("100")),
    ("100-500", Decimal("100"), Decimal("500")),
    ("500-", Decimal("500"), None),
]

PRICE_RANGE_KEYS = [key for key, *_ in PRICE_RANGES]


def price_label(low: Decimal | None, high: Decimal | None) -> str:
    """A price facet as shoppers read it, in the page's language and currency ("до 25,00 ₽")."""
    if low is None:
        return _("Under %(high)s") % {"high": money(high)}
    if high is None:
        return _("%(low)s and more") % {"low": money(low)}
    return _("%(low)s to %(high)s") % {"low": money(low), "high": money(high)}


def stars(rating: int) -> str:
    return ngettext("%(count)d star", "%(count)d stars", rating) % {"count": rating}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    type: str = "products"
    category: int | None = None
    seller: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class SearchPage:
    count: int
    results: list[dict]
    facets: dict[str, list[dict]] = field(default_factory=dict)
    engine: str = "database"


def mark(text: str, query: str) -> str:
    """HTML-escape `text` and wrap the query's words in <mark>, as the engine's highlighter does."""
    escaped = escape(text)
    words = [re.escape(escape(word)) for word in query.split() if len(word) > 1]
    if not words:
        return escaped
    return re.sub(f"({'|'.join(words)})", r"<mark>\1</mark>", escaped, flags=re.IGNORECASE)
