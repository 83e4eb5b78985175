"""Background tasks of the catalogue. They call the indexer; they hold no rules of their own."""

from celery import shared_task

from catalog.search import indexer


@shared_task(ignore_result=True)
def process_search_queue() -> int:
    """Send queued search-index changes; what the engine does not take stays queued for the next run."""
    return indexer.process_queue()
