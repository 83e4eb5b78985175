"""Links the site mails to people.

They are built from SITE_URL, the site's public address, never from the request: the Host
header (and the port) are the client's, and an address that ALLOWED_HOSTS lets through (an
internal name, a second domain, the app's own port past the proxy) would be mailed as the place
to type a password. Without SITE_URL (a developer's machine) the request's address stands in.
"""

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.urls import reverse
from django.utils.http import urlencode


def site_url(request) -> str:
    """'https://shop.example.com': the public address links start with."""
    return settings.SITE_URL.rstrip("/") or f"{request.scheme}://{request.get_host()}"


def confirmation_link(request, uid: str, token: str, next_url: str = "") -> str:
    """The absolute link that confirms a sign-up: a page of the site, whether the sign-up came
    from the site or the API (a person opens it from their mail)."""
    link = site_url(request) + reverse("accounts:confirm-sign-up", args=[uid, token])
    return f"{link}?{urlencode({'next': next_url})}" if next_url else link


class SiteURLPasswordResetView(PasswordResetView):
    """Django's reset form, whose mail names the site by `site_url` (the template's `site_url`)."""

    def form_valid(self, form):
        self.extra_email_context = {**(self.extra_email_context or {}), "site_url": site_url(self.request)}
        return super().form_valid(form)
