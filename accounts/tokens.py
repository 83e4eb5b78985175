"""The token in a sign-up confirmation link."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class SignupConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Valid for PASSWORD_RESET_TIMEOUT, once: confirming the account, or signing up again with
    the same address (a new password), changes what the token was made from."""

    key_salt = "accounts.tokens.SignupConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.awaiting_confirmation}{user.email}{timestamp}"


signup_confirmation = SignupConfirmationTokenGenerator()
