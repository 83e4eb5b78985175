"""Keep docs/api/openapi.json, the released API contract, true and safe to change (shop/api/history.py).

manage.py api_schema --check   fails on an unacknowledged breaking change, or a stale file
manage.py api_schema --write   writes the served schema there (`make schema`), unless a breaking
                               change is not acknowledged in docs/api/CHANGELOG.md
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shop.api import history
from shop.api.contract import live_schema


class Command(BaseCommand):
    help = gettext_lazy("Compare the served OpenAPI schema with docs/api/openapi.json, or write it there.")

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument(
            "--check", action="store_true", help=gettext_lazy("fail on unacknowledged breaking changes or drift")
        )
        mode.add_argument(
            "--write", action="store_true", help=gettext_lazy("write the served schema to docs/api/openapi.json")
        )

    def handle(self, *args, check: bool, write: bool, **options):
        served = live_schema()
        committed = json.loads(history.COMMITTED.read_text()) if history.COMMITTED.exists() else None
        if committed is not None:
            changes = history.breaking_changes(committed, served)
            missing = history.unacknowledged(changes, history.CHANGELOG.read_text())
            if missing:
                # The lines to add stay as oasdiff words them: the changelog is written in English.
                raise CommandError(
                    ngettext(
                        "%(count)d breaking change to the API is not acknowledged. Keep the old behaviour "
                        "(deprecate first: README, 'Deprecation policy'), or add this line under '## Unreleased' "
                        "in %(changelog)s:",
                        "%(count)d breaking changes to the API are not acknowledged. Keep the old behaviour "
                        "(deprecate first: README, 'Deprecation policy'), or add these lines under '## Unreleased' "
                        "in %(changelog)s:",
                        len(missing),
                    )
                    % {"count": len(missing), "changelog": history.shown(history.CHANGELOG)}
                    + "\n"
                    + "\n".join(change.line for change in missing)
                )
            if changes:
                self.stdout.write(
                    ngettext(
                        "%(count)d breaking change, acknowledged in the changelog.",
                        "%(count)d breaking changes, all acknowledged in the changelog.",
                        len(changes),
                    )
                    % {"count": len(changes)}
                )
        if write:
            history.COMMITTED.parent.mkdir(parents=True, exist_ok=True)
            history.COMMITTED.write_text(history.render(served))
            self.stdout.write(_("wrote %(path)s") % {"path": history.shown(history.COMMITTED)})
        elif committed != served:
            raise CommandError(
                _(
                    "%(path)s is not the schema this code serves: run `make schema` and describe the change in "
                    "docs/api/CHANGELOG.md."
                )
                % {"path": history.shown(history.COMMITTED)}
            )
        else:
            self.stdout.write(_("the served schema is the committed one"))
