"""Reads for orders: history and detail, each in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from orders.models import Order, OrderLine, OrderStatusChange
from orders.status import OrderStatus


def _with_lines(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.select_related("buyer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product", "seller__seller_profile")),
        Prefetch("status_changes", queryset=OrderStatusChange.objects.select_related("changed_by")),
    )


def orders_for_user(user) -> QuerySet[Order]:
    """A buyer sees their own orders; staff see every order."""
    base = Order.objects.all() if user.is_staff else Order.objects.filter(buyer=user)
    return _with_lines(base).order_by("-created_at", "-id")


def status_changes_of(order: Order, *, after: int | None = None) -> list[OrderStatusChange]:
    """The order's status changes, oldest first; `after`: only those with a larger id."""
    changes = OrderStatusChange.objects.filter(order=order).select_related("order").order_by("changed_at", "id")
    if after is not None:
        changes = changes.filter(id__gt=after)
    return list(changes)


def has_bought(user, product_id: int) -> bool:
    return (
        user.is_authenticated
        and OrderLine.objects.filter(order__buyer=user, product_id=product_id)
        .exclude(order__status=OrderStatus.CANCELLED)
        .exists()
    )


def products_bought_by(user, *, limit: int = 200) -> list[int]:
    """The products of the user's orders that were not cancelled, most recent first (recommendations' input)."""
    rows = (
        OrderLine.objects.filter(order__buyer=user, product__isnull=False)
        .exclude(order__status=OrderStatus.CANCELLED)
        .order_by("-order__created_at", "-id")
        .values_list("product_id", flat=True)[: limit * 4]
    )
    return list(dict.fromkeys(rows))[:limit]
