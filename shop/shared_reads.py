"""Small reads that every storefront page repeats and that change rarely, kept in the shared cache.

The catalogue page lists every category and shop in its filter form, the home page the category
tree: two or three queries on each of the busiest pages, for data that changes when staff edit a
category or a seller opens a shop. A read decorated with `@shared_read(topics=...)` is kept in the
cache, per language, under the current generation of each of its topics. The services that change
categories and shops call `forget("categories")` or `forget("shops")` in their transaction: once it
commits, the topic gets a new generation, and every copy made before is never read again (a page
that read the old rows and stores them after the change stores them under the old generation).
SHARED_READS_SECONDS bounds the age of a copy whatever happens (a row edited by hand in the
database).

Each process also holds what it read for SHARED_READS_LOCAL_SECONDS (a second or two), sparing
the cache's two round trips on every page: the process that made a change drops its copies at
once; the others show it within those seconds.

Only for reads without arguments whose result is the same for every visitor; callers treat the value
as read-only (it is shared by the requests of a process). With the cache down, the read runs every
time.
"""

import functools
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

T = TypeVar("T")

_MISSING = object()
# (read, language) → (held until, value): this process's copies, for SHARED_READS_LOCAL_SECONDS.
_held: dict[tuple[str, str], tuple[float, object]] = {}


def generation_key(topic: str) -> str:
    return f"shared-read-generation:{topic}"


def _value_key(name: str, language: str, generations: list[str]) -> str:
    return f"shared-read:{name}:{language}:{':'.join(generations)}"


def _generations(topics: tuple[str, ...]) -> list[str] | None:
    """The current generation of each topic (a topic seen for the first time gets one); None when the
    cache does not answer."""
    keys = [generation_key(topic) for topic in topics]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            value = cache.get(key)
            if value is None:
                return None
            found[key] = value
    return [found[key] for key in keys]


def shared_read(*, topics: tuple[str, ...]) -> Callable[[Callable[[], T]], Callable[[], T]]:
    def decorate(read: Callable[[], T]) -> Callable[[], T]:
        name = f"{read.__module__}.{read.__qualname__}"

        @functools.wraps(read)
        def cached() -> T:
            if not settings.SHARED_READS_SECONDS:
                return read()
            language = translation.get_language() or ""
            held = _held.get((name, language))
            if held is not None and held[0] > time.monotonic():
                return held[1]
            generations = _generations(topics)
            if generations is None:
                return read()
            key = _value_key(name, language, generations)
            value = cache.get(key, _MISSING)
            if value is _MISSING:
                value = read()
                cache.set(key, value, settings.SHARED_READS_SECONDS)
            _held[(name, language)] = (time.monotonic() + settings.SHARED_READS_LOCAL_SECONDS, value)
            return value

        cached.uncached = read  # type: ignore[attr-defined]
        return cached

    return decorate


def forget(*topics: str) -> None:
    """Start a new generation of `topics` once the caller's transaction commits (at once outside one)."""

    def renew() -> None:
        cache.set_many({generation_key(topic): uuid.uuid4().hex for topic in topics}, None)
        _held.clear()

    transaction.on_commit(renew, robust=True)


def drop_local_copies() -> None:
    """Forget this process's copies (tests start each from the database)."""
    _held.clear()
