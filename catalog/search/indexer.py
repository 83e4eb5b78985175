"""Keeping the search engine in step with the database.

Services call `enqueue()` inside their transaction; `process_queue()` (a Celery
task, also run every minute by beat and by `manage.py search_index --sync`) sends
the queued changes in bulk and forgets only those the engine accepted. `rebuild()`
fills a fresh index and swaps the alias to it in one step, so searches keep being
answered from the old index until the new one is complete.
"""

import logging
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from opensearchpy import OpenSearchException
from opensearchpy.helpers import streaming_bulk

from catalog import product_pages
from catalog.models import SearchQueueEntry
from catalog.search import answers, documents
from shop import search_engine

logger = logging.getLogger(__name__)
Kind = SearchQueueEntry.Kind
KINDS = tuple(Kind.values)


def enqueue(kind: str, ids: Iterable[int]) -> None:
    """Queue documents for refreshing, in the caller's transaction; sent once it commits. The kept
    pages of those products (catalog.product_pages) stop being current at the same moment."""
    if kind == Kind.PRODUCT:
        ids = set(ids)
        product_pages.changed(ids)
    if not search_engine.is_configured():
        return
    now = timezone.now()
    rows = [SearchQueueEntry(kind=kind, object_id=pk, queued_at=now) for pk in set(ids)]
    if not rows:
        return
    SearchQueueEntry.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["kind", "object_id"], update_fields=["queued_at"]
    )
    # robust: the change is committed and queued; a broker or engine failure here must not fail the
    # request that made it (beat sends the queue later).
    transaction.on_commit(_send_queue_after_commit, robust=True)


def _send_queue_after_commit() -> None:
    """A worker takes the queue when there is a broker; without one, this request sends it, briefly."""
    from catalog.tasks import process_search_queue

    if process_search_queue.app.conf.task_always_eager:
        process_queue(timeout=settings.SEARCH_TIMEOUT)
    else:
        process_search_queue.delay()


def physical_index(kind: str) -> str:
    return f"{search_engine.index_name(kind)}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"


def create_index(kind: str, name: str) -> None:
    search_engine.admin_client().indices.create(
        index=name, body={"settings": documents.index_settings(), "mappings": documents.MAPPINGS[kind]}
    )


def ensure_indices(timeout: float | None = None) -> None:
    """Create each alias (with an empty index behind it) if it is missing."""
    engine = search_engine.admin_client(timeout)
    for kind in KINDS:
        alias = search_engine.index_name(kind)
        if not engine.indices.exists_alias(name=alias):
            name = physical_index(kind)
            create_index(kind, name)
            engine.indices.put_alias(index=name, name=alias)
            answers.index_changed()


def process_queue(batch_size: int = 500, timeout: float | None = None) -> int:
    """Send queued changes to the engine; returns how many were applied. Safe to run concurrently."""
    if not search_engine.is_configured():
        return 0
    applied = 0
    while True:
        entries = list(SearchQueueEntry.objects.order_by("queued_at", "id")[:batch_size])
        if not entries:
            return applied
        try:
            ensure_indices(timeout)
            _send(entries, timeout)
        except OpenSearchException as error:
            SearchQueueEntry.objects.filter(pk__in=[e.pk for e in entries]).update(attempts=F("attempts") + 1)
            logger.warning("search engine unavailable, %d changes stay queued: %s", len(entries), error)
            return applied
        answers.index_changed()  # the batch is searchable (sent with refresh=wait_for)
        for entry in entries:  # forget only what has not changed again meanwhile
            SearchQueueEntry.objects.filter(pk=entry.pk, queued_at=entry.queued_at).delete()
        applied += len(entries)
        if len(entries) < batch_size:
            return applied


def _send(entries: list[SearchQueueEntry], timeout: float | None = None) -> None:
    actions = []
    for kind in KINDS:
        ids = {entry.object_id for entry in entries if entry.kind == kind}
        if not ids:
            continue
        index = search_engine.index_name(kind)
        found = dict(documents.documents(kind, ids))
        for pk in ids:
            if pk in found:
                actions.append({"_op_type": "index", "_index": index, "_id": pk, "_source": found[pk]})
            else:
                actions.append({"_op_type": "delete", "_index": index, "_id": pk})
    failures = []
    for ok, item in streaming_bulk(
        search_engine.admin_client(timeout), actions, raise_on_error=False, raise_on_exception=True, refresh="wait_for"
    ):
        operation, result = next(iter(item.items()))
        if not ok and not (operation == "delete" and result.get("status") == 404):
            failures.append(item)
    if failures:
        raise OpenSearchException(f"{len(failures)} documents were refused: {failures[:3]}")


def rebuild(kind: str, *, on_progress: Callable[[int], None] = lambda n: None, chunk_size: int = 1000) -> int:
    """Index every document of `kind` into a new index, then point the alias at it. Returns the count."""
    engine = search_engine.admin_client()
    alias = search_engine.index_name(kind)
    name = physical_index(kind)
    create_index(kind, name)
    engine.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
    indexed = 0
    try:
        actions = (
            {"_op_type": "index", "_index": name, "_id": pk, "_source": document}
            for pk, document in documents.documents(kind)
        )
        for _ in streaming_bulk(engine, actions, chunk_size=chunk_size, raise_on_error=True):
            indexed += 1
            if indexed % chunk_size == 0:
                on_progress(chunk_size)
        on_progress(indexed % chunk_size)
        engine.indices.put_settings(
            index=name, body={"index": {"refresh_interval": documents.SETTINGS["refresh_interval"]}}
        )
        engine.indices.refresh(index=name)
    except Exception:
        engine.indices.delete(index=name, ignore_unavailable=True)
        raise
    swap_alias(alias, name)
    return indexed


def swap_alias(alias: str, new_index: str) -> None:
    """Point the alias at `new_index` in one atomic step, then drop the indices it left."""
    engine = search_engine.admin_client()
    old = list(engine.indices.get_alias(name=alias).keys()) if engine.indices.exists_alias(name=alias) else []
    # An index that is named like the alias (made by hand, or by an older version) must go first.
    if not old and engine.indices.exists(index=alias):
        engine.indices.delete(index=alias)
    actions = [{"remove": {"index": index, "alias": alias}} for index in old]
    actions.append({"add": {"index": new_index, "alias": alias}})
    engine.indices.update_aliases(body={"actions": actions})
    answers.index_changed()
    for index in old:
        if index != new_index:
            engine.indices.delete(index=index, ignore_unavailable=True)
