"""The search engine's answers, kept in the shared cache until the index changes.

Shoppers ask the same few searches over and over ("kettle", "lamp"), and between two changes of the
index the engine gives the same answer to the same request. An answer is kept under the request
sent (index and body) with the index's generation at the time it was asked; the indexer starts a new
generation each time it has made a change searchable (catalog.search.indexer: a batch of the queue
sent and refreshed, an index rebuilt or created), and answers of an older generation are never read
again. A search is therefore exactly as fresh as the engine itself; SEARCH_CACHE_SECONDS only bounds
how long an unread answer takes room. A generation read before the engine answered is the one the
answer is stored under, so an answer that raced a change is not read after it.

Answers from the database (no engine, or the engine down) are not kept: they are live already.
"""

import hashlib
import json
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "search-index-generation"


def digest(*parts) -> str:
    """A short name for what a request asked (JSON-able parts)."""
    return hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=16).hexdigest()


def current(keys: list[str]) -> tuple[str | None, dict]:
    """The index's generation and, of `keys`, the values kept under it, in one round trip; no generation
    (None) when the cache does not answer."""
    found = cache.get_many([GENERATION_KEY, *keys])
    generation = found.pop(GENERATION_KEY, None)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            return None, {}
    return generation, {
        key: value[1] for key, value in found.items() if isinstance(value, tuple) and value[0] == generation
    }


def keep(key: str, generation: str | None, value) -> None:
    """Keep `value` under the generation read before it was made."""
    if generation is not None:
        cache.set(key, (generation, value), settings.SEARCH_CACHE_SECONDS)


def kept[T](index: str, body: dict, ask: Callable[[], T]) -> T:
    """The answer to `body` on `index`: the kept one while the index has not changed since, else `ask()`."""
    if not settings.SEARCH_CACHE_SECONDS:
        return ask()
    key = f"search-answer:{digest(index, body)}"
    generation, found = current([key])
    if key in found:
        return found[key]
    fresh = ask()
    keep(key, generation, fresh)
    return fresh


def index_changed() -> None:
    """The index answers differently from now on: a new generation (called by the indexer)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
