"""The parts of a product's page that are the same for every visitor, kept under the product's version.

A product page fetched the product with its category, seller and shop (the heaviest query of the
storefront) and rendered its gallery, price, rating, seller and stock, for every visitor alike. Here
those parts (the template's `{% sharedpart %}` blocks) are kept in the shared cache with the
product's columns, under a stamp: the product's version and the generations of the categories and
shops (shop/shared_reads.py). While the stamp holds, the page is served from the cache without that
query; only what depends on the visitor (the cart form with its CSRF token, reviews, links to log in)
is rendered.

The version is changed, once the transaction commits, by every write that feeds the search index a
product (catalog.search.indexer.enqueue: edits, purchases and cancellations that move the stock,
reviews that move the rating, renamed shops) and by image changes; renamed categories and shops
change the generations. A page being stored while a change commits is stored under the stamp read
before its query, so it is never read after the change. Pages are kept at most
`shop.fragments.lifetime()` (presigned image URLs stay valid for half their life at least).

Only products on sale are kept (anyone may see them); anything else takes the query every time.
FRAGMENT_CACHE_SECONDS=0 keeps nothing.
"""

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from catalog.models import Product
from shop import fragments
from shop.shared_reads import generation_key

TEMPLATE = "catalog/product_detail.html"
TOPICS = ("categories", "shops")
VERSION_SECONDS = 24 * 3600  # longer than any page is kept; a version that expired is simply a new one


@dataclass(frozen=True)
class Lookup:
    stamp: tuple[str, ...] | None  # None: the cache did not answer
    row: dict | None = None  # the product's columns, when the kept parts are current
    parts: dict[str, str] | None = None


def _version_key(pk: int) -> str:
    return f"product-version:{pk}"


def _page_key(pk: int, language: str) -> str:
    return f"product-page:{fragments.template_salt(TEMPLATE)}:{pk}:{language}"


def look_up(pk: int) -> Lookup:
    """The product's kept parts if they are current (one round trip to the cache), and the stamp to
    store fresh ones under otherwise."""
    if not fragments.lifetime():
        return Lookup(stamp=None)
    stamp_keys = [_version_key(pk), *(generation_key(topic) for topic in TOPICS)]
    page_key = _page_key(pk, translation.get_language() or "")
    found = cache.get_many([*stamp_keys, page_key])
    stamp = []
    for key in stamp_keys:
        if key not in found:  # first seen, expired or evicted: a new version (nothing was kept under it)
            cache.add(key, uuid.uuid4().hex, VERSION_SECONDS if key == stamp_keys[0] else None)
            found[key] = cache.get(key)
            if found[key] is None:
                return Lookup(stamp=None)
        stamp.append(found[key])
    kept = found.get(page_key)
    if kept is not None and kept[0] == tuple(stamp) and kept[1] > time.time():
        return Lookup(stamp=tuple(stamp), row=kept[2], parts=kept[3])
    return Lookup(stamp=tuple(stamp))


def store(lookup: Lookup, product: Product, parts: dict[str, str]) -> None:
    """Keep what this request rendered, under the stamp read before the product was."""
    if lookup.stamp is None or not parts or not product.is_active:
        return
    seconds = fragments.lifetime()
    row = {field.attname: getattr(product, field.attname) for field in Product._meta.concrete_fields}
    cache.set(
        _page_key(product.pk, translation.get_language() or ""),
        (lookup.stamp, time.time() + seconds, row, parts),
        seconds,
    )


def stand_in(row: dict) -> Product:
    """The product as its kept columns describe it, for the parts of the page that are rendered anew."""
    return Product(**row)


def changed(ids: Iterable[int]) -> None:
    """Once the caller's transaction commits, these products' kept pages are not current any more."""
    keys = [_version_key(pk) for pk in set(ids)]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
