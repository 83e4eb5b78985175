"""Orders (the API calls them purchases) and their lines.

A line copies the product's title and price at the time of purchase, so later
edits to the catalogue never rewrite history.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from orders.status import OrderStatus
from shop.currency import shop_currency


class Order(models.Model):
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer")
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    total = models.DecimalField(verbose_name=_("total"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default=shop_currency)
    shipping_name = models.CharField(verbose_name=_("shipping name"), max_length=200, blank=True)
    shipping_address = models.TextField(verbose_name=_("shipping address"), blank=True)
    # A client's retry of the same checkout carries the same key and gets the
    # first order back (see orders.services.place_order).
    idempotency_key = models.CharField(
        verbose_name=_("idempotency key"), max_length=255, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="orders_order_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="orders_order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return gettext("Order #%(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines", verbose_name=_("product")
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sold_lines",
        verbose_name=_("seller"),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    unit_price = models.DecimalField(verbose_name=_("unit price"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    line_total = models.DecimalField(verbose_name=_("line total"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orders_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="orders_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class OrderStatusChange(models.Model):
    """The order's history: who moved it to which status, and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("order"))
    from_status = models.CharField(
        verbose_name=_("from status"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(verbose_name=_("to status"), max_length=16, choices=OrderStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(verbose_name=_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.order}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
