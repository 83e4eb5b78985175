"""Pieces of pages that every visitor sees alike, rendered once and cached under what they show.

A product card costs the template engine more than the database costs to fetch the product
(docs/benchmarks.md): a catalogue page of 24 cards spent most of its time rendering them. The rows
are fetched on every request anyway (the items of a page are always fresh), so the cache key is made
from the rows themselves: every column, every annotation and every related row or list loaded with
them (`fingerprint`). Whatever changes what a fragment could show (a purchase taking the last unit,
a new review moving the rating, a new image, a renamed shop) changes its key, and the old fragment is
never read again: nothing to invalidate, so nothing to forget to invalidate. The key also carries the
active language, the template's own source and where images are served from, so a translation, an
edited template or a moved bucket never meets a fragment rendered before it.

Each process keeps the fragments it served last in its own memory too (FRAGMENT_MEMORY_ITEMS): a key
always names the same content, so that copy needs no invalidation either.

A fragment must not depend on who is asking (no user, no request, no CSRF token): it is rendered
with the object alone. A cache that is down costs a render, never an error (shop/cache.py).

Presigned image URLs expire (S3_URL_EXPIRY): a fragment that holds one lives at most half that long
from the moment it was rendered (the expiry travels with it into every copy), so a URL served from
the cache is good for at least half its lifetime.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe


def fingerprint(instance: Model) -> str:
    """A digest of everything loaded with `instance`: its columns, its annotations, and the related
    rows and lists attached to it (select_related rows, `image_list`, prefetched lists)."""
    return hashlib.blake2b(repr(_loaded(instance)).encode(), digest_size=16).hexdigest()


# Values whose repr is the value itself; anything else is unpacked (rows, lists of rows, prefetches).
_SCALARS = frozenset({str, int, float, bool, Decimal, datetime, date, type(None)})


def _loaded(instance: Model) -> tuple:
    state = instance._state  # its fields_cache (rows joined with this one) is read below
    values = [
        value if type(value) in _SCALARS else _plain(value)
        for value in instance.__dict__.values()
        if value is not state
    ]
    related = [_plain(row) for row in state.fields_cache.values()]
    return (type(instance).__name__, tuple(instance.__dict__), values, related)


def _plain(value):
    if isinstance(value, Model):
        return _loaded(value)
    if isinstance(value, QuerySet):  # a prefetched list
        return tuple(_plain(item) for item in value)
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _plain(item)) for key, item in value.items()))
    return value


def lifetime() -> int:
    """Seconds a fragment is kept: FRAGMENT_CACHE_SECONDS, and at most half a presigned URL's life."""
    seconds = settings.FRAGMENT_CACHE_SECONDS
    options = settings.STORAGES["default"].get("OPTIONS", {})
    if options.get("querystring_auth"):
        seconds = min(seconds, options.get("querystring_expire", 3600) // 2)
    return seconds


@memoize
def _source_digest(template_name: str) -> str:
    return hashlib.blake2b(get_template(template_name).template.source.encode(), digest_size=8).hexdigest()


def template_salt(template_name: str) -> str:
    """What else decides a fragment: the template's source and where its image URLs point."""
    storage = settings.STORAGES["default"]
    options = storage.get("OPTIONS", {})
    where = [storage["BACKEND"], settings.MEDIA_URL] + [
        str(options.get(name, "")) for name in ("endpoint_url", "public_endpoint_url", "bucket_name")
    ]
    return _source_digest(template_name) + hashlib.blake2b("\n".join(where).encode(), digest_size=4).hexdigest()


class _Recent:
    """The fragments this process served last, in front of the shared cache.

    Safe without any invalidation because a key always names the same content: a changed product
    has a new key. Bounded (FRAGMENT_MEMORY_ITEMS) and expiring like the shared cache's entries.
    """

    def __init__(self) -> None:
        self.items: OrderedDict[str, tuple[float, str]] = OrderedDict()  # key → (expires at, html)
        self.lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, tuple[float, str]]:
        now, found = time.time(), {}
        with self.lock:
            for key in keys:
                entry = self.items.get(key)
                if entry is not None and entry[0] > now:
                    self.items.move_to_end(key)
                    found[key] = entry
        return found

    def set_many(self, fragments: dict[str, tuple[float, str]]) -> None:
        limit = settings.FRAGMENT_MEMORY_ITEMS
        with self.lock:
            for key, entry in fragments.items():
                self.items[key] = entry
                self.items.move_to_end(key)
            while len(self.items) > limit:
                self.items.popitem(last=False)


recent = _Recent()


def render_each(template_name: str, objects: Sequence[Model], *, as_name: str) -> list[SafeString]:
    """`template_name` rendered for each object (as `as_name` in its context): from this process's
    memory, else from the shared cache (one round trip for all), else rendered and stored in both."""
    if not settings.FRAGMENT_CACHE_SECONDS:
        template = get_template(template_name)
        return [template.render({as_name: instance}) for instance in objects]
    prefix = f"fragment:{template_salt(template_name)}:{translation.get_language() or ''}:"
    keys = [prefix + fingerprint(instance) for instance in objects]
    found = recent.get_many(keys)
    if len(found) < len(keys):
        now = time.time()
        shared = {
            key: entry
            for key, entry in cache.get_many([key for key in keys if key not in found]).items()
            if isinstance(entry, tuple) and entry[0] > now
        }
        rendered: dict[str, tuple[float, str]] = {}
        template, seconds = None, lifetime()
        for key, instance in zip(keys, objects, strict=True):
            if key not in found and key not in shared and key not in rendered:
                template = template or get_template(template_name)
                rendered[key] = (now + seconds, template.render({as_name: instance}))
        if rendered:
            cache.set_many(rendered, seconds)
        recent.set_many({**shared, **rendered})
        found.update(shared)
        found.update(rendered)
    return [mark_safe(found[key][1]) for key in keys]  # noqa: S308 (our own templates' output)
