"""Site shell: the home page and health checks."""

import logging

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from catalog import selectors as catalog_selectors
from recommendations import selectors as recommendations
from shop import health
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
        raise Http404("No such page.")
    return HttpResponse(generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST)
