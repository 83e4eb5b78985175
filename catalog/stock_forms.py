"""Forms that change a product's stock say which figure the seller saw.

A form opened at stock 10 and saved after buyers took all 10 must not put 10 phantom units
back. So the stock input carries, hidden beside it, the figure it showed (`<name>_seen`): a
seller who left the figure alone changes nothing, and one who typed a new figure gets it only
if the stock is still what they saw; otherwise the form says what it is now
(catalog.services.update_product and save_product check it again under a row lock).
"""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _


class StockInput(forms.NumberInput):
    """The stock input, followed by a hidden input with the figure the form showed."""

    def __init__(self, seen: int | None = None, attrs=None):
        super().__init__(attrs)
        self.seen = seen

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.seen is None:
            return html
        return html + format_html('<input type="hidden" name="{}_seen" value="{}">', name, self.seen)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class StockSeenMixin:
    """For ModelForms of Product: reads the figure the form showed, refuses a stale new figure."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "stock" not in self.fields:
            return
        shown = self.instance.stock if self.instance.pk else None
        if self.is_bound:
            shown = self.stock_seen()
        self.fields["stock"].widget = StockInput(seen=shown, attrs=self.fields["stock"].widget.attrs)

    def stock_seen(self) -> int | None:
        return _as_int(self.data.get(f"{self.add_prefix('stock')}_seen")) if self.is_bound else None

    def show_current_stock(self, current: int) -> None:
        """After a conflict: the next save is judged against the figure now shown in the message."""
        self.fields["stock"].widget.seen = current

    def clean(self):
        cleaned = super().clean()
        seen, typed = self.stock_seen(), cleaned.get("stock")
        if self.instance.pk and seen is not None and typed is not None and typed != seen:
            current = type(self.instance).objects.values_list("stock", flat=True).get(pk=self.instance.pk)
            if current != seen:
                self.add_error("stock", stale_stock_message(seen, current))
                self.show_current_stock(current)
        return cleaned


def stale_stock_message(seen: int, current: int) -> str:
    return _(
        "The stock changed from %(seen)d to %(current)d while you were editing (orders came in). "
        "Enter the new figure again: it will replace %(current)d."
    ) % {"seen": seen, "current": current}
