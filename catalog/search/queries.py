"""Search entry points: the engine when one is configured and answers, the database otherwise."""

import logging

from opensearchpy import OpenSearchException

from catalog.search import database, engine
from catalog.search.results import SearchPage, SearchParams
from shop import search_engine

logger = logging.getLogger(__name__)


def search(params: SearchParams) -> SearchPage:
    if search_engine.is_configured():
        try:
            return engine.search(params)
        except OpenSearchException as error:
            logger.warning("search engine unavailable, answering from the database: %s", error)
    return database.search(params)


def suggest(q: str, limit: int = 8) -> list[dict]:
    if search_engine.is_configured():
        try:
            return engine.suggest(q, limit)
        except OpenSearchException as error:
            logger.warning("search engine unavailable, suggesting from the database: %s", error)
    return database.suggest(q, limit)
