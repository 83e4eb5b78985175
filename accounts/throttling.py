"""One throttle policy for every way to log in, sign up or ask for a password reset.

The API, the storefront pages and the back-office's login all count here, in the cache (Redis
when REDIS_URL is set, so every web process shares the count). Each attempt is counted twice:
per client address (shop.client_address: forwarded headers count only behind the trusted
proxies; an IPv6 client by its /64) and per account (the address typed in, the sign-up link's
uid). Past either limit the request is refused with 429 and Retry-After. An attacker who
spreads guesses over many addresses locks only the account attacked, for the rest of the
window; everybody else logs in as usual.

Counts are sliding windows (this window's count, plus the previous window's weighted by how
much of it still overlaps), so a burst across a window's edge is not counted twice as
allowed. Each count is the cache's atomic add and incr, so parallel requests cannot slip past
the limit by reading the same count. With Redis down the cache fails
open (shop/cache.py): attempts are not limited until it is back.
"""

import ipaddress
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

from shop.client_address import client_address

ACTIONS = ("login", "signup", "reset", "view")
_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/min' → (10, 60): how many attempts per how many seconds."""
    count, _, unit = rate.partition("/")
    unit = unit.strip().lower()
    return int(count), _UNITS.get(unit) or _UNITS[unit.removesuffix("s")]


def _digest(value: str) -> str:
    """Cache keys name no email address or IP, in clear or by a plain hash (whoever reads Redis
    could hash a list of addresses and match them): a hash keyed with SECRET_KEY."""
    return salted_hmac("accounts.throttling", value, algorithm="sha256").hexdigest()[:32]


def address_bucket(address: str) -> str:
    """Whom an address's count belongs to. An IPv4 address is one client; an IPv6 client is given
    a whole /64 (the smallest prefix a network hands out), so it would buy a fresh count with every
    address it picks from it: its throttles count the /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _count(key: str, period: int) -> int:
    """Add one to the counter of this window, atomically; a new window starts at one. Kept for
    two periods: the next window still weighs it."""
    if cache.add(key, 1, timeout=2 * period + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between the add and the incr
        cache.set(key, 1, timeout=2 * period + 1)
        return 1


def _wait(allowed: int, period: int, now: float, key: str) -> float:
    """Count this attempt; 0 when the sliding count stays within `allowed`, else the seconds
    until it would."""
    window, elapsed = divmod(now, period)
    current = _count(f"{key}_{int(window)}", period)
    previous = cache.get(f"{key}_{int(window) - 1}") or 0
    if current + previous * (1 - elapsed / period) <= allowed:
        return 0.0
    if current > allowed or not previous:
        return period - elapsed
    # the previous window's weight falls until current + previous * (1 - t / period) <= allowed
    return max(1.0, period * (1 - (allowed - current) / previous) - elapsed)


def attempt(request, action: str, account: str) -> int:
    """Count one attempt at `action` on `account` from this request's client; 0 when allowed,
    otherwise the seconds until the limit that refused it lifts."""
    limits = settings.THROTTLE_RATES[action]
    now = time.time()
    wait = 0.0
    address = address_bucket(client_address(request))
    for bucket, identity in (("address", address), ("account", account.strip().lower())):
        if identity:
            allowed, period = parse_rate(limits[bucket])
            wait = max(wait, _wait(allowed, period, now, f"throttle_{action}_{bucket}_{_digest(identity)}"))
    return math.ceil(wait)


def too_many_message(wait: int) -> str:
    return ngettext(
        "Too many attempts. Please wait %(wait)d second and try again.",
        "Too many attempts. Please wait %(wait)d seconds and try again.",
        wait,
    ) % {"wait": wait}


def too_many_attempts(request, wait: int) -> HttpResponse:
    """The storefront's and back-office's answer past the limit."""
    page = render_to_string("errors/429.html", {"detail": too_many_message(wait), "wait": wait}, request)
    response = HttpResponse(page, status=429)
    response["Retry-After"] = str(wait)
    return response


def refusal(request, action: str, account: str) -> HttpResponse | None:
    """For a POST: count it, and answer 429 past the limit; None lets the view go on."""
    if request.method != "POST":
        return None
    wait = attempt(request, action, account)
    return too_many_attempts(request, wait) if wait else None


def throttled(action: str, account_field: str):
    """Throttle a page's POSTs; the account is the form field `account_field` (or, failing
    that, the URL argument of that name, or the signed-in user's email)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            account = request.POST.get(account_field) or kwargs.get(account_field) or ""
            if not account and getattr(request, "user", None) is not None and request.user.is_authenticated:
                account = request.user.email
            return refusal(request, action, str(account)) or view(request, *args, **kwargs)

        return wrapper

    return decorator


class AttemptThrottle(BaseThrottle):
    """The same policy for API views, which name `throttle_action` and `throttle_account_field`."""

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        data = request.data if hasattr(request.data, "get") else {}
        account = data.get(view.throttle_account_field, "")
        self._wait = attempt(request, view.throttle_action, account if isinstance(account, str) else "")
        return not self._wait

    def wait(self) -> float | None:
        return self._wait or None
