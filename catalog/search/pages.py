"""The search page's results (count, facets, hits and pages), kept with the engine's answer they show.

The same search asked again between two changes of the index gets the same answer
(catalog/search/answers.py), so the part of the page that shows it is the same too: it is kept under
the index's generation and everything in the address (the search, its filters and anything else the
links carry along), per language and template. Rendered from the database (no engine, or the engine
down), it is not kept: that answer is live.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from catalog.search import answers
from shop.fragments import template_salt

TEMPLATE = "catalog/search.html"


@dataclass(frozen=True)
class Lookup:
    key: str = ""
    generation: str | None = None
    parts: dict[str, str] | None = None  # the kept parts, when current
    count: int = 0


def look_up(query: QueryDict) -> Lookup:
    if not (settings.SEARCH_URL and settings.SEARCH_CACHE_SECONDS):
        return Lookup()
    address = sorted((name, values) for name, values in query.lists())
    key = f"search-page:{template_salt(TEMPLATE)}:{translation.get_language() or ''}:{answers.digest(address)}"
    generation, found = answers.current([key])
    if key in found:
        count, parts = found[key]
        return Lookup(key, generation, parts, count)
    return Lookup(key, generation)


def store(lookup: Lookup, parts: dict[str, str], count: int) -> None:
    if lookup.key and parts:
        answers.keep(lookup.key, lookup.generation, (count, parts))
