"""Tags for the storefront's busiest templates, where the template engine's per-item cost shows.

`{% product_cards products %}`: the cards of a product grid, each from the fragment cache when it
holds the card for the product as it is now (shop/fragments.py).

`{% select_options choices selected %}`: the `<option>`s of a filter's `<select>`, the selected one
marked; one join instead of a template loop with two filters and a comparison per option.

`{% sharedpart "name" %}...{% endsharedpart %}`: a part of a page that is the same for every visitor
(catalog.product_pages keeps it): the copy the view found current, or rendered now and handed to
the view to keep. What is inside may use the page's object only, never the visitor, the request
or a CSRF token.
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


class SharedPartNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        kept = context.get("shared_parts") or {}
        if self.name in kept:
            return kept[self.name]
        html = self.nodelist.render(context)
        rendered = context.get("rendered_parts")
        if rendered is not None:
            rendered[self.name] = html
        return html


@register.tag
def sharedpart(parser, token) -> SharedPartNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% sharedpart "name" %}...{% endsharedpart %}.')
    nodelist = parser.parse(("endsharedpart",))
    parser.delete_first_token()
    return SharedPartNode(bits[1][1:-1], nodelist)
