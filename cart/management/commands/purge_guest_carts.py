"""Delete abandoned guest carts (run it daily from cron or Celery beat)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cart.services import purge_guest_carts


class Command(BaseCommand):
    help = gettext_lazy("Delete guest carts nobody has touched for --days days (default: the session lifetime, 14).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14, help=gettext_lazy("idle for more than this many days"))

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError(_("--days must be at least 1."))
        deleted = purge_guest_carts(idle_for=timedelta(days=days))
        carts = ngettext("Deleted %(count)d guest cart", "Deleted %(count)d guest carts", deleted) % {"count": deleted}
        idle = ngettext("idle for more than %(days)d day.", "idle for more than %(days)d days.", days) % {"days": days}
        self.stdout.write(f"{carts} {idle}")
