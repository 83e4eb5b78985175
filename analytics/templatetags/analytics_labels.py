"""The dashboard's column names and cells, in the page's language."""

from datetime import date
from decimal import Decimal

from django import template

from shop.i18n import formatting

register = template.Library()


@register.filter
def column_label(name: str) -> str:
    from analytics.admin_views import column_label as label

    return label(name)


@register.filter
def cell(value) -> str:
    """Numbers with the locale's separators; everything else as it is ("–" for nothing)."""
    if value is None:
        return "–"
    if isinstance(value, (bool, date)):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return formatting.number(value)
    return str(value)
