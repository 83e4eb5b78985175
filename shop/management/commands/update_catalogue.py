"""`manage.py update_catalogue` (`make messages`): gather every marked string into the catalogues.

It is makemessages with the options the catalogue is kept with (shop.i18n.catalogues), followed
by what is left to do: the entries of each language that have no translation yet or are fuzzy
(msgmerge's guesses from a similar old string, which gettext does not use until a person checks
them and removes the flag).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.i18n.catalogues import MAKEMESSAGES_OPTIONS, compile_all, unfinished


class Command(BaseCommand):
    help = gettext_lazy(
        "Extract every marked string into locale/*/LC_MESSAGES/django.po, then list the entries left to translate."
    )

    def handle(self, *args, **options):
        call_command("makemessages", verbosity=0, **MAKEMESSAGES_OPTIONS)
        compile_all()
        left = unfinished()
        for path, entries in left.items():
            for entry in entries:
                self.stdout.write(f"{path}: {entry}")
        if any(left.values()):
            self.stdout.write(
                _("Translate the entries above (and remove each checked entry's fuzzy flag), then run this again.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Every entry of every catalogue is translated.")))
