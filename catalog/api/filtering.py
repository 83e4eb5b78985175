"""The catalogue's filter backend."""

from django_filters.rest_framework import DjangoFilterBackend

from catalog import selectors


class CatalogueFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names no filter at all.

    Building and validating the filter form costs about a millisecond and a half;
    the unfiltered first page, the catalogue's most common request, needs only the
    default order.
    """

    def filter_queryset(self, request, queryset, view):
        names = self.get_filterset_class(view, queryset).base_filters
        if not any(name in request.query_params for name in names):
            return selectors.order_products(queryset, None)
        return super().filter_queryset(request, queryset, view)
