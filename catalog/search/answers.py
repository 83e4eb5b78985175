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


def kept[T](index: str, body: dict, ask: Callable[[], T]) -> T:
    """The answer to `body` on `index`: the kept one while the index has not changed since, else `ask()`."""
    if not settings.SEARCH_CACHE_SECONDS:
        return ask()
    digest = hashlib.blake2b(json.dumps([index, body], sort_keys=True).encode(), digest_size=16).hexdigest()
    key = f"search-answer:{digest}"
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # the cache does not answer
            return ask()
    answer = found.get(key)
    if answer is not None and answer[0] == generation:
        return answer[1]
    fresh = ask()
    cache.set(key, (generation, fresh), settings.SEARCH_CACHE_SECONDS)
    return fresh


def index_changed() -> None:
    """The index answers differently from now on: a new generation (called by the indexer)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
