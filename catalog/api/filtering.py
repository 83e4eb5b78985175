"""The catalogue's filter backend."""

import re
from decimal import Decimal

from django_filters.rest_framework import DjangoFilterBackend

from catalog import selectors

_ID = re.compile(r"[1-9][0-9]{0,17}")  # below 2**63: no bound to check
_MONEY = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")
_BOOLEANS = {"true": True, "false": False}
_ORDERINGS = frozenset(value for value, _ in selectors.ORDERING_CHOICES)


class CatalogueFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names no filter at all, and passed by when every filter
    is plainly well formed.

    Building and validating the filter form costs about a millisecond and a half (copies of every
    filter and form field per request); the unfiltered first page, the catalogue's most common
    request, needs only the default order, and the usual filters (`in_stock=true&min_price=10`) only
    their values read. Anything unusual (a value to convert or refuse) goes through the filter set, so
    its errors stay the filter set's; `test_plain_filters_match_the_filter_set` holds the two paths to
    the same rows.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        params = request.query_params
        names = [name for name in filterset_class.base_filters if name in params]
        if not names:
            return selectors.order_products(queryset, None)
        plain = _plainly_filtered(filterset_class, queryset, {name: params.get(name) for name in names})
        if plain is not None:
            return plain
        return super().filter_queryset(request, queryset, view)


def _plainly_filtered(filterset_class, queryset, values: dict[str, str]):
    """The filters applied as the filter set would, or None when a value is not plainly well formed."""
    filterset = filterset_class.__new__(filterset_class)  # its filter methods only; no form, no copies
    ordering = None
    for name in filterset_class.base_filters:  # in the filter set's order: the same query, clause for clause
        if name not in values:
            continue
        raw = values[name]
        if name == "q":
            text = raw.strip()
            if len(text) > 200:
                return None
            queryset = filterset.filter_text(queryset, name, text)
        elif name in ("category", "seller"):
            if not _ID.fullmatch(raw):
                return None
            if name == "category":
                queryset = filterset.filter_category(queryset, name, int(raw))
            else:
                queryset = queryset.filter(seller_id=int(raw))
        elif name in ("min_price", "max_price"):
            if not _MONEY.fullmatch(raw):
                return None
            lookup = "gte" if name == "min_price" else "lte"
            queryset = queryset.filter(**{f"price__{lookup}": Decimal(raw)})
        elif name == "in_stock":
            if raw not in _BOOLEANS:
                return None
            queryset = filterset.filter_in_stock(queryset, name, _BOOLEANS[raw])
        elif name == "ordering":
            if raw not in _ORDERINGS:
                return None
            ordering = raw
        else:
            return None
    return selectors.order_products(queryset, ordering)
