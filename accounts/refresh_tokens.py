"""Retiring an account's API refresh tokens: on a password change or reset, and on "log out everywhere".

simplejwt records every refresh token it hands out (OutstandingToken); a blacklisted one can no
longer be refreshed. Access tokens are not recorded: they die with their short lifetime
(ACCESS_TOKEN_EXPIRE_MINUTES).
"""

from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken


def retire_refresh_tokens(user) -> int:
    """Blacklist every refresh token of `user` not yet retired; returns how many."""
    live = OutstandingToken.objects.filter(user_id=user.pk).exclude(blacklistedtoken__isnull=False)
    retired = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
    )
    return len(retired)
