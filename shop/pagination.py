"""Pagination for storefront pages, and a count shared between requests for the public catalogue."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class SharedCountPaginator(Paginator):
    """Counts the matching rows once per CATALOGUE_COUNT_SECONDS for every request that asks
    the same query.

    On a large catalogue, counting every visible product costs PostgreSQL more than fetching
    the page (about 20 ms for 100k products, docs/benchmarks.md, Load), and the catalogue
    lists are the most requested pages. Their total may lag changes by those seconds; the
    items on the page are always fresh. Lists a person checks after their own change (a
    seller's products, a cart) keep the exact count of the plain Paginator.
    """

    @cached_property
    def count(self) -> int:
        seconds = settings.CATALOGUE_COUNT_SECONDS
        query = getattr(self.object_list, "query", None)
        if not seconds or query is None:
            return super().count
        try:
            sql = str(query)
        except EmptyResultSet:  # `.none()` has no SQL to name it by
            return super().count
        key = "catalogue-count:" + hashlib.sha256(sql.encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, seconds)
        return count


def paginate(request, queryset, per_page: int = 24, *, shared_count: bool = False, count: int | None = None) -> Page:
    """The requested page; a page number out of range shows the nearest real page.

    `shared_count`: a public catalogue list, whose total may be CATALOGUE_COUNT_SECONDS old.
    `count`: the total, when a row already keeps it (a product's visible reviews): no count query."""
    paginator = (SharedCountPaginator if shared_count else Paginator)(queryset, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
