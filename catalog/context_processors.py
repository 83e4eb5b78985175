"""Top-level categories for the navigation bar, read lazily (only pages that show them pay)."""

from django.utils.functional import SimpleLazyObject

from catalog.models import Category


def top_categories(request) -> dict:
    if request.path.startswith(("/api/", "/admin/")):
        return {}
    return {"nav_categories": SimpleLazyObject(lambda: list(Category.objects.filter(parent__isnull=True)))}
