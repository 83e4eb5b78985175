"""Site shell: the home page and health checks."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_BAD_ORIGIN, CsrfViewMiddleware
from django.shortcuts import render
from django.urls import get_callable
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from catalog import selectors as catalog_selectors
from recommendations import selectors as recommendations
from shop import health, i18n
from shop.error_views import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


def home(request):
    featured, newest = catalog_selectors.home_products(limit=8)
    return render(
        request,
        "shop/home.html",
        {
            "featured": featured,
            "newest": newest,
            "categories": catalog_selectors.category_tree(),
            "for_you": recommendations.for_shopper(request.user),
            "trending": recommendations.trending_now(),
        },
    )


@csrf_exempt  # checked below: the token for signed-in people, where the form came from for others
@require_POST
def set_language(request):
    """The header's language switcher (a plain form: no JavaScript needed). Django's view sets the
    cookie and sends the person to the page they were on, in the new language; a signed-in person's
    choice is also kept on the account, for their next visit elsewhere and for the mails we send.

    The switcher is on every page. Asking a visitor who is not signed in for a CSRF token would make
    one for every anonymous page (a tenth of the search page's own work) and set a cookie on every
    answer, which no shared cache may then keep. So a signed-in person's switch, which changes their
    account, is checked for the token their pages carry; any other is refused when the browser says
    it comes from another site (Origin, Sec-Fetch-Site: headers a page cannot forge). That also
    covers a signed-in person whose browser leaves the session cookie off a cross-site POST
    (SameSite=Lax): their switch arrives as a stranger's, and is refused for where it came from.

    A page rendered before its visitor signed in (another tab, the back button) has a switcher
    without a token. When the browser says the form was posted by a page of this very site
    (`Sec-Fetch-Site: same-origin`, which no page can set or forge), it is the person's own
    switch and is taken as such; without that word from the browser, the token is needed.
    """
    from accounts import services as account_services

    if not request.user.is_authenticated:
        refused = _cross_site_refusal(request)
    elif request.headers.get("Sec-Fetch-Site") == "same-origin" and _cross_site_refusal(request) is None:
        refused = None  # and an Origin, when the browser sends one, that is this site's
    else:
        refused = _csrf_refusal(request)
    if refused is not None:
        return refused
    next_path = urlsplit(request.POST.get("next") or request.GET.get("next") or "").path
    # The page to translate is in the language of its own address, not the switcher's.
    with translation.override(translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE):
        response = django_set_language(request)
    chosen = i18n.supported(request.POST.get("language"))
    if chosen and request.user.is_authenticated:
        account_services.set_language(request.user, chosen)
    return response


def _csrf_refusal(request) -> HttpResponse | None:
    """Django's own CSRF check, as its middleware makes it for a view that is not exempt."""
    check = CsrfViewMiddleware(lambda request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def _cross_site_refusal(request) -> HttpResponse | None:
    """Django's CSRF refusal when the browser says the form was posted from another site: its
    Sec-Fetch-Site, or an Origin that Django's own check (the site itself, CSRF_TRUSTED_ORIGINS and
    their wildcards) does not accept."""
    origin = request.headers.get("Origin")
    foreign = origin is not None and not CsrfViewMiddleware(lambda request: None)._origin_verified(request)
    if request.headers.get("Sec-Fetch-Site") == "cross-site" or foreign:
        return get_callable(settings.CSRF_FAILURE_VIEW)(request, reason=REASON_BAD_ORIGIN % origin)
    return None


def health_live(request):
    """The process answers: nothing else is checked."""
    return JsonResponse({"status": "ok"})


def health_ready(request):
    """503 when the database does not answer; 200 otherwise, "degraded" and naming any other
    service that does not (the site serves without them, see shop/health.py).

    What went wrong (host names, user names in a driver's message) is logged, and shown only to
    the clients that may read /metrics; anyone else learns which service failed, not why."""
    from shop.metrics import may_scrape

    verdicts = health.readiness()
    status = health.overall(verdicts)
    for name, verdict in verdicts.items():
        if verdict != "ok":
            logger.warning("readiness: %s failed: %s", name, verdict)
    if not may_scrape(request):
        verdicts = {name: "ok" if verdict == "ok" else "failed" for name, verdict in verdicts.items()}
    body: dict = {"status": status, "checks": verdicts}
    if status != "ok":
        body["failed"] = {name: verdict for name, verdict in verdicts.items() if verdict != "ok"}
    response = JsonResponse(body, status=503 if status == "unavailable" else 200)
    if status == "unavailable":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def metrics(request):
    """Prometheus's scrape: for the networks in METRICS_ALLOWED_NETWORKS or a bearer METRICS_TOKEN; 404 otherwise."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from shop.metrics import may_scrape, registry_for_scrape

    if not may_scrape(request):
        raise Http404(_("No such page."))
    return HttpResponse(generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST)
