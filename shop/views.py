"""Site shell: the home page and health checks."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from catalog import selectors as catalog_selectors


def home(request):
    return render(
        request,
        "shop/home.html",
        {
            "featured": catalog_selectors.featured_products(limit=8),
            "newest": catalog_selectors.newest_products(limit=8),
            "categories": catalog_selectors.category_tree(),
        },
    )


def health_live(request):
    """The process answers: nothing else is checked."""
    return JsonResponse({"status": "ok"})


def health_ready(request):
    """Ready to serve: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return JsonResponse({"status": "unavailable", "failed": {"database": str(exc)[:200]}}, status=503)
    return JsonResponse({"status": "ok", "checks": {"database": "ok"}})
