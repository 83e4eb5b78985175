"""Delete abandoned guest carts (run it daily from cron or Celery beat)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from cart.services import purge_guest_carts


class Command(BaseCommand):
    help = "Delete guest carts nobody has touched for --days days (default: the session lifetime, 14)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = purge_guest_carts(idle_for=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} guest cart(s) idle for more than {days} day(s).")
