"""Compile the message catalogues (.po → .mo) with Babel: no gettext tools needed."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.i18n.catalogues import compile_all


class Command(BaseCommand):
    help = gettext_lazy("Compile the translation catalogues (.po to .mo) that are missing or out of date.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help=gettext_lazy("compile every catalogue, even up to date ones")
        )

    def handle(self, *args, force: bool = False, **options):
        written = compile_all(force=force)
        for path in written:
            self.stdout.write(_("Compiled %(path)s") % {"path": path})
        if not written:
            self.stdout.write(_("The translation catalogues are up to date."))
