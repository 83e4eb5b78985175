"""Template filters for money, numbers and dates in the page's language (shop.i18n.formatting)."""

from django import template

from shop.i18n import formatting

register = template.Library()


@register.filter
def money(amount, currency=None):
    """{{ product.price|money:product.currency }}; the shop's currency when none is given."""
    return formatting.money(amount, currency or None)


@register.filter
def number(value, digits=None):
    return formatting.number(value, None if digits in (None, "") else int(digits))


@register.filter
def day(value):
    return formatting.day(value)


@register.filter
def moment(value):
    return formatting.moment(value)
