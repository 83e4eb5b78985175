"""Which product views count: once per visitor per product per VIEW_DEDUP_SECONDS.

Every view feeds Trending and the analytics funnel, so a client that reloads a page (or calls
the API in a loop) would push its product up the storefront. A visitor is the signed-in account
or, for a guest, the session's pseudonym, or, without a session (API clients), the client's
address (an IPv6 client by its /64). Sessions cost a guest nothing to mint, so guests' views are
also limited per address (THROTTLE_RATES["view"]); past it the page is served and the view not
recorded. The marks live in the cache, keyed by a keyed hash: no visitor id in clear.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from accounts.throttling import address_bucket, attempt
from catalog import services
from catalog.models import Product
from shop.client_address import client_address
from shop.sessions import session_pseudonym


def visitor(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    pseudonym = session_pseudonym(request)
    return f"session:{pseudonym}" if pseudonym else f"address:{_address(request)}"


def _address(request) -> str:
    return address_bucket(client_address(request))


def _first_view(who: str, product_id: int) -> bool:
    mark = salted_hmac("catalog.view_counting", f"{who}|{product_id}", algorithm="sha256").hexdigest()[:32]
    return cache.add(f"view_seen_{mark}", 1, timeout=settings.VIEW_DEDUP_SECONDS)


def count_view(request, product: Product) -> bool:
    """Record the view when it counts; whether it did."""
    who = visitor(request)
    if not _first_view(who, product.pk):
        return False
    if not who.startswith("user:") and attempt(request, "view", ""):
        return False
    services.record_view(product, user=request.user, session_key=session_pseudonym(request))
    return True
