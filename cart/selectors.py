"""Reads for carts: the lines with their products and the total, in a fixed number of queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from cart.models import Cart, CartItem
from catalog.models import ProductImage


@dataclass
class CartContents:
    cart: Cart | None
    items: list[CartItem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((item.subtotal for item in self.items), Decimal("0.00"))

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def is_empty(self) -> bool:
        return not self.items


def cart_items(cart: Cart) -> QuerySet[CartItem]:
    return (
        CartItem.objects.filter(cart=cart)
        .select_related("product", "product__seller__seller_profile", "product__category")
        .prefetch_related(Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id")))
        .order_by("added_at", "id")
    )


def items_in(cart: Cart | None) -> QuerySet[CartItem]:
    """The lines of one cart, the only lines a request may touch (none without a cart)."""
    if cart is None:
        return CartItem.objects.none()
    return CartItem.objects.filter(cart=cart).select_related("product")


def cart_contents(cart: Cart | None) -> CartContents:
    if cart is None:
        return CartContents(cart=None)
    return CartContents(cart=cart, items=list(cart_items(cart)))


def item_count(cart: Cart | None) -> int:
    if cart is None:
        return 0
    return cart.items.aggregate(n=Sum("quantity"))["n"] or 0
