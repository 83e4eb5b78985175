"""Template filters for money, numbers and dates in the page's language (shop.i18n.formatting),
and the language switcher's choices."""

from functools import cache

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info

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


@cache
def _language_names(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((code, get_language_info(code)["name_local"]) for code in codes)


@register.simple_tag
def language_choices() -> list[dict]:
    """The switcher's languages, each by its own name ('Русский', 'English'), and which one the page
    speaks. Django's `get_language_info_list` builds the same from scratch on every page (about a
    thousand Python calls); the names never change while the process runs."""
    current = translation.get_language()
    names = _language_names(tuple(code for code, _name in settings.LANGUAGES))
    return [{"code": code, "name": name, "current": code == current} for code, name in names]
