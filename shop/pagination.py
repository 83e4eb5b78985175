"""Pagination for storefront pages."""

from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int = 24) -> Page:
    """The requested page; a page number out of range shows the nearest real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
