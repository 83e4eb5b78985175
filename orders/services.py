"""Writes for orders: checkout, status changes, cancellation.

Stock never goes below zero: checkout locks the products' rows (in id order, so
two checkouts cannot deadlock) and decrements them in the same transaction that
creates the order. Any refusal rolls the whole order back. An order left unpaid gives its
stock back after ORDER_HOLD_MINUTES (expire_unpaid_orders, run by beat), and a buyer holds at
most MAX_UNPAID_ORDERS unpaid orders at once.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cart.models import Cart, CartItem
from catalog.models import Product, SearchQueueEntry
from catalog.search.indexer import enqueue
from orders.models import Order, OrderLine, OrderStatusChange
from orders.status import BUYER_CANCELLABLE, OrderStatus, can_transition, next_statuses
from orders.tasks import mail_order_placed
from shop import events, metrics
from shop.background import run_soon
from shop.errors import Conflict, DomainError, Forbidden

MAX_IDEMPOTENCY_KEY_LENGTH = 255


def _existing_order(buyer, idempotency_key: str | None) -> Order | None:
    if not idempotency_key:
        return None
    return Order.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()


def place_order(
    buyer,
    *,
    idempotency_key: str | None = None,
    shipping_name: str = "",
    shipping_address: str = "",
    notify: bool = True,
) -> tuple[Order, bool]:
    """Turn the buyer's cart into an order. Returns (order, created).

    Once it commits, the buyer and each seller are mailed (orders.tasks), unless `notify` is off
    (demo data).

    With an idempotency key, a retry returns the order the first request made,
    even when both arrive at once: the unique key lets exactly one insert win.
    """
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH):
        raise DomainError(
            _("The Idempotency-Key must be 1 to %(most)d characters long.") % {"most": MAX_IDEMPOTENCY_KEY_LENGTH},
            reason="bad_idempotency_key",
        )
    existing = _existing_order(buyer, idempotency_key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            order = _place_order(buyer, idempotency_key, shipping_name, shipping_address)
    except IntegrityError:
        existing = _existing_order(buyer, idempotency_key)
        if existing is None:
            raise
        return existing, False
    except DomainError as error:
        metrics.checkout_failed(error.reason)
        raise
    transaction.on_commit(lambda: _count_placed(order), robust=True)
    if notify:
        transaction.on_commit(lambda: run_soon(mail_order_placed, order.pk), robust=True)
    return order, True


def _count_placed(order: Order) -> None:
    lines = list(order.lines.all())
    categories = dict(
        Product.objects.filter(pk__in=[line.product_id for line in lines]).values_list("pk", "category__name")
    )
    metrics.order_placed(order, lines, categories)


def _place_order(buyer, idempotency_key: str | None, shipping_name: str, shipping_address: str) -> Order:
    cart = Cart.objects.select_for_update().filter(user=buyer).first()
    items = list(CartItem.objects.filter(cart=cart).order_by("product_id")) if cart else []
    if not items:
        raise DomainError(_("Your cart is empty: add products before checking out."), reason="empty_cart")
    # The cart's row lock serializes this buyer's checkouts, so two at once cannot both pass the cap.
    unpaid = Order.objects.filter(buyer=buyer, status=OrderStatus.PLACED).count()
    if unpaid >= settings.MAX_UNPAID_ORDERS:
        raise Conflict(
            ngettext(
                "You have %(count)d unpaid order: pay or cancel it before placing another.",
                "You have %(count)d unpaid orders: pay or cancel one before placing another.",
                unpaid,
            )
            % {"count": unpaid},
            reason="too_many_unpaid_orders",
        )

    # Claim the idempotency key first, so a concurrent twin fails fast on it.
    order = Order.objects.create(
        buyer=buyer,
        idempotency_key=idempotency_key or None,
        shipping_name=shipping_name[:200],
        shipping_address=shipping_address,
    )
    products = Product.objects.select_for_update().in_bulk([item.product_id for item in items])
    lines, total = [], Decimal("0.00")
    for item in items:
        product = products[item.product_id]
        if not product.is_active:
            raise Conflict(
                _("%(title)s is no longer on sale; remove it from your cart.") % {"title": product.title},
                reason="not_on_sale",
            )
        if item.quantity > product.stock:
            facts = {"title": product.title, "left": product.stock, "asked": item.quantity}
            if product.stock:
                message = ngettext(
                    "%(title)s is only %(left)d left; you asked for %(asked)d.",
                    "%(title)s is only %(left)d left; you asked for %(asked)d.",
                    product.stock,
                )
            else:
                message = _("%(title)s is sold out; you asked for %(asked)d.")
            raise Conflict(message % facts, reason="out_of_stock")
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - item.quantity)
        line_total = product.price * item.quantity
        total += line_total
        lines.append(
            OrderLine(
                order=order,
                product=product,
                seller_id=product.seller_id,
                title=product.title,
                unit_price=product.price,
                quantity=item.quantity,
                line_total=line_total,
            )
        )
    OrderLine.objects.bulk_create(lines)
    order.total = total
    order.save(update_fields=["total"])
    OrderStatusChange.objects.create(order=order, from_status="", to_status=OrderStatus.PLACED, changed_by=buyer)
    CartItem.objects.filter(cart=cart).delete()
    enqueue(SearchQueueEntry.Kind.PRODUCT, products)  # stock, so "in stock", changed
    events.record(
        "order_placed",
        user=buyer,
        order_id=order.pk,
        total=order.total,
        currency=order.currency,
        lines=[
            {
                "product_id": line.product_id,
                "seller_id": line.seller_id,
                "category_id": products[line.product_id].category_id,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.line_total,
            }
            for line in lines
        ],
    )
    return order


def can_change_status(user, order: Order, new_status: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return order.buyer_id == user.id and new_status == OrderStatus.CANCELLED and order.status in BUYER_CANCELLABLE


@transaction.atomic
def change_status(order: Order, new_status: str, *, by) -> Order:
    """Move an order to a new status if the rules allow; cancelling returns the stock."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if new_status not in OrderStatus.values:
        raise DomainError(_("Unknown status “%(status)s”.") % {"status": new_status}, field="status")
    if not can_transition(order.status, new_status):
        labels = dict(OrderStatus.choices)
        allowed = ", ".join(str(labels[status]) for status in next_statuses(order.status)) or _("none")
        raise Conflict(
            _("An order that is “%(current)s” cannot become “%(new)s” (allowed next: %(allowed)s).")
            % {"current": labels[order.status], "new": labels[new_status], "allowed": allowed}
        )
    if not can_change_status(by, order, new_status):
        if order.buyer_id == by.id and new_status == OrderStatus.CANCELLED:
            raise Conflict(_("This order has been paid; contact us to cancel it."))
        raise Forbidden(_("You may not change this order's status."))
    return _move(order, new_status, by=by)


def _move(order: Order, new_status: str, *, by) -> Order:
    """Record the move of a locked order; cancelling returns the stock."""
    if new_status == OrderStatus.CANCELLED:
        _return_stock(order)
    previous = order.status
    order.status = new_status
    order.save(update_fields=["status", "updated_at"])
    OrderStatusChange.objects.create(order=order, from_status=previous, to_status=new_status, changed_by=by)
    events.record(
        "order_status_changed", user=order.buyer, order_id=order.pk, from_status=previous, to_status=new_status
    )
    return order


def expire_unpaid_orders(now: datetime | None = None) -> int:
    """Cancel the orders left unpaid for ORDER_HOLD_MINUTES, returning their stock; how many.

    Checkout takes the stock when the order is placed, so an order nobody pays would hold it for
    ever (one account could empty a shop). Each order is cancelled in its own transaction under
    its row lock, as a cancel by hand is, and only if it is still unpaid then: a payment that got
    there first wins. The stock goes back with F() under the product rows' update locks, as at
    checkout, so no concurrent sale or cancel is lost.
    """
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.ORDER_HOLD_MINUTES)
    stale = Order.objects.filter(status=OrderStatus.PLACED, created_at__lt=cutoff).values_list("pk", flat=True)
    expired = 0
    for pk in list(stale):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=pk, status=OrderStatus.PLACED).first()
            if order is not None:
                _move(order, OrderStatus.CANCELLED, by=None)
                expired += 1
    return expired


def cancel_order(order: Order, *, by) -> Order:
    return change_status(order, OrderStatus.CANCELLED, by=by)


def _return_stock(order: Order) -> None:
    lines = list(order.lines.filter(product__isnull=False).order_by("product_id"))
    for line in lines:
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
    enqueue(SearchQueueEntry.Kind.PRODUCT, [line.product_id for line in lines])
