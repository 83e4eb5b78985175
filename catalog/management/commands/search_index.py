"""Operate the search index: rebuild it behind its alias, send queued changes, or show its state."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from opensearchpy import OpenSearchException
from tqdm import tqdm

from catalog.models import SearchQueueEntry
from catalog.search import documents, indexer
from shop import search_engine


class Command(BaseCommand):
    help = gettext_lazy(
        "Rebuild the search index (--rebuild), send queued changes (--sync) or show its state (default)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help=gettext_lazy("index everything into new indices, swap aliases")
        )
        parser.add_argument("--sync", action="store_true", help=gettext_lazy("send the queued changes now"))
        parser.add_argument(
            "--type", choices=indexer.KINDS, action="append", help=gettext_lazy("only this kind (repeatable)")
        )

    def handle(self, *args, rebuild: bool, sync: bool, type: list[str] | None, **options):
        if not search_engine.is_configured():
            raise CommandError(
                _("SEARCH_URL is empty: search answers from the database and there is no index to manage.")
            )
        try:
            if rebuild:
                for kind in type or indexer.KINDS:
                    self._rebuild(kind, options["verbosity"])
            if sync:
                sent = indexer.process_queue()
                self.stdout.write(
                    ngettext("Sent %(count)d queued change.", "Sent %(count)d queued changes.", sent) % {"count": sent}
                )
            if not (rebuild or sync):
                self._status()
        except OpenSearchException as error:
            raise CommandError(
                _("The search engine at %(hosts)s failed: %(error)s")
                % {"hosts": search_engine.admin_client().transport.hosts, "error": error}
            ) from error

    def _rebuild(self, kind: str, verbosity: int) -> None:
        started = time.monotonic()
        with tqdm(total=documents.count(kind), desc=kind, unit="doc", disable=verbosity == 0) as bar:
            indexed = indexer.rebuild(kind, on_progress=bar.update)
        seconds = time.monotonic() - started
        rate = indexed / seconds if seconds else 0
        self.stdout.write(
            _("%(kind)s: indexed %(count)d documents in %(seconds).1f s (%(rate).0f/s); alias swapped.")
            % {"kind": kind, "count": indexed, "seconds": seconds, "rate": rate}
        )

    def _status(self) -> None:
        engine = search_engine.admin_client()
        for kind in indexer.KINDS:
            alias = search_engine.index_name(kind)
            if engine.indices.exists_alias(name=alias):
                index = next(iter(engine.indices.get_alias(name=alias)))
                documents_count = engine.count(index=alias)["count"]
                self.stdout.write(
                    _("%(alias)s → %(index)s: %(count)d documents")
                    % {"alias": alias, "index": index, "count": documents_count}
                )
            else:
                self.stdout.write(_("%(alias)s: missing (run --rebuild)") % {"alias": alias})
        self.stdout.write(_("queued changes: %(count)d") % {"count": SearchQueueEntry.objects.count()})
