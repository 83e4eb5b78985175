"""The search engine (OpenSearch, or anything that speaks the Elasticsearch API).

One setting: SEARCH_URL. Empty, and search answers from the database instead
(catalog/search/database.py). Searches use a short timeout: a search engine that is down must cost a
request a moment, never hang it. Indexing, off the request path, waits longer.
"""

from functools import cache

from django.conf import settings
from opensearchpy import OpenSearch


def is_configured() -> bool:
    return bool(settings.SEARCH_URL)


@cache
def _client_for(url: str, timeout: float) -> OpenSearch:
    """One node, or several (`http://a:9200,http://b:9200`): a request that cannot connect to one
    node goes to the next at once (never after a timeout), and a dead node rests for a minute."""
    hosts = [host.strip() for host in url.split(",") if host.strip()]
    return OpenSearch(
        hosts=hosts,
        timeout=timeout,
        max_retries=len(hosts) - 1,
        retry_on_timeout=False,
        http_compress=False,
        dead_timeout=60,
    )


def client() -> OpenSearch:
    """For searches on the request path: a short timeout."""
    return _client_for(settings.SEARCH_URL, settings.SEARCH_TIMEOUT)


def admin_client(timeout: float | None = None) -> OpenSearch:
    """For indexing and index management: creating an index may take seconds off the request path."""
    return _client_for(settings.SEARCH_URL, timeout or settings.SEARCH_ADMIN_TIMEOUT)


def index_name(kind: str) -> str:
    """The alias searches read (`bazaar-products`); physical indices carry a build stamp after it."""
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}"
