"""Tags for the storefront's busiest templates, where the template engine's per-item cost shows.

`{% product_cards products %}`: the cards of a product grid, each from the fragment cache when it
holds the card for the product as it is now (shop/fragments.py).

`{% select_options choices selected %}`: the `<option>`s of a filter's `<select>`, the selected one
marked; one join instead of a template loop with two filters and a comparison per option.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from shop.fragments import render_each

register = template.Library()

CARD_TEMPLATE = "includes/product_card.html"


@register.simple_tag
def product_cards(products) -> SafeString:
    """The cards, in order. A card may show only what is loaded with the product's row (its columns,
    its category, its shop's name, its images), never anything about who is asking."""
    return mark_safe("".join(render_each(CARD_TEMPLATE, list(products), as_name="product")))  # noqa: S308


@register.simple_tag
def select_options(choices, selected, label: str = "label", value: str = "id") -> SafeString:
    """`choices` are (value, label) pairs, or dicts with `value` and `label` keys; `selected` is the
    value the form holds (compared as text, as the browser sends it)."""
    chosen = "" if selected is None else str(selected)
    rows = []
    for choice in choices:
        key, text = (choice[value], choice[label]) if isinstance(choice, dict) else choice
        key = str(key)
        rows.append((key, mark_safe(" selected") if key == chosen else "", text))
    return format_html_join("", '<option value="{}"{}>{}</option>', rows) if rows else SafeString()
