"""The password of the demo accounts seed_demo creates, and when it may create them at all.

A demo shop's logins are printed and documented, so whoever reads the README can log in as its
superuser. That is the point on a developer's machine (DEBUG on) and a take-over anywhere else:
with DEBUG off, seed_demo creates accounts only when asked explicitly (--demo-accounts), and then
with the password in DEMO_PASSWORD or, without it, a random one printed once. Neither may be the
published password.
"""

import os
import secrets

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

PUBLISHED_PASSWORD = "bazaar-demo-2026"  # noqa: S105  (the README's, for DEBUG machines only)
MINIMUM_LENGTH = 12


def demo_password(*, asked: bool) -> str:
    """The password for the accounts about to be created; CommandError when they may not be."""
    chosen = os.environ.get("DEMO_PASSWORD", "")
    if settings.DEBUG:
        return chosen or PUBLISHED_PASSWORD
    if not asked:
        raise CommandError(
            _(
                "DEBUG is off: seed_demo would create a superuser and sellers with a published password. "
                "Run it with --demo-accounts to create them with a random password (printed once), or set "
                "DEMO_PASSWORD (at least %(length)d characters) to choose it."
            )
            % {"length": MINIMUM_LENGTH}
        )
    if not chosen:
        return secrets.token_urlsafe(18)
    if chosen == PUBLISHED_PASSWORD or len(chosen) < MINIMUM_LENGTH:
        raise CommandError(
            _("DEMO_PASSWORD must be at least %(length)d characters and not the published demo password.")
            % {"length": MINIMUM_LENGTH}
        )
    return chosen
