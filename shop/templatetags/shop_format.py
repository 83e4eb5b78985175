"""Template filters for money, numbers and dates in the page's language (shop.i18n.formatting),
and the language switcher's choices."""

from functools import cache

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info

from shop.i18n import formatting

register = template.Library()
CURRENT = mark_safe(' aria-current="true"')


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
def language_buttons() -> SafeString:
    """The switcher's buttons, each language by its own name ('Русский', 'English'), the page's own
    marked current. Django's `get_language_info_list` and a template loop built them on every page
    (about a thousand Python calls); they are the same for every page in a language."""
    return _language_buttons(translation.get_language(), tuple(code for code, _name in settings.LANGUAGES))


@cache
def _language_buttons(current: str, codes: tuple[str, ...]) -> SafeString:
    return format_html_join(
        "",
        '<button type="submit" name="language" value="{0}" lang="{0}" class="link{1}"{2} data-testid="language-{0}">'
        "{3}</button>",
        (
            (code, " current" if code == current else "", CURRENT if code == current else "", name)
            for code, name in _language_names(codes)
        ),
    )
