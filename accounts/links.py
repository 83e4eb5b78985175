"""Links the site mails to people."""

from django.urls import reverse
from django.utils.http import urlencode


def confirmation_link(request, uid: str, token: str, next_url: str = "") -> str:
    """The absolute link that confirms a sign-up: a page of the site, whether the sign-up came
    from the site or the API (a person opens it from their mail)."""
    link = request.build_absolute_uri(reverse("accounts:confirm-sign-up", args=[uid, token]))
    return f"{link}?{urlencode({'next': next_url})}" if next_url else link
