"""Writes for carts: add, change, remove, merge on login, empty after checkout."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cart.models import Cart, CartItem
from catalog.models import Product
from shop import events, metrics
from shop.errors import Conflict, DomainError

SESSION_KEY = "cart_id"


def user_cart(user) -> Cart:
    cart, _created = Cart.objects.get_or_create(user=user)
    return cart


def session_cart(session, *, create: bool) -> Cart | None:
    """The guest cart whose id the session holds, made on first use when `create` is set."""
    cart_id = session.get(SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        session[SESSION_KEY] = cart.pk
    return cart


def cart_for_request(request, *, create: bool) -> Cart | None:
    if request.user.is_authenticated:
        return user_cart(request.user) if create else Cart.objects.filter(user=request.user).first()
    return session_cart(request.session, create=create)


def _check_quantity(quantity: int) -> None:
    if quantity < 1:
        raise DomainError(_("The quantity must be at least 1."), field="quantity")
    if quantity > settings.CART_MAX_LINE_QUANTITY:
        raise DomainError(
            _("At most %(count)d of one product per order.") % {"count": settings.CART_MAX_LINE_QUANTITY},
            field="quantity",
        )


def _check_available(product: Product, quantity: int) -> None:
    if not product.is_active:
        raise Conflict(_("This product is not on sale."), field="product")
    if quantity > product.stock:
        if product.stock:
            message = ngettext("%(title)s: only %(left)d left.", "%(title)s: only %(left)d left.", product.stock)
        else:
            message = _("%(title)s: out of stock.")
        raise Conflict(message % {"title": product.title, "left": product.stock}, field="quantity")


@transaction.atomic
def add_to_cart(cart: Cart, product: Product, quantity: int = 1) -> CartItem:
    """Add to the product's line (or start one); the line may not exceed the stock."""
    _check_quantity(quantity)
    # The cart row first: two first adds of one product (two tabs) would otherwise both find no
    # line to lock, both insert, and one would fail on the one-line-per-product constraint.
    Cart.objects.select_for_update(no_key=True).filter(pk=cart.pk).values_list("pk").first()
    item = CartItem.objects.select_for_update().filter(cart=cart, product=product).first()
    new_quantity = quantity + (item.quantity if item else 0)
    _check_quantity(new_quantity)
    _check_available(product, new_quantity)
    if item is None:
        item = CartItem.objects.create(cart=cart, product=product, quantity=new_quantity)
    else:
        item.quantity = new_quantity
        item.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    _record(cart, "cart_item_added", product, quantity)
    transaction.on_commit(lambda: metrics.CART_ADDITIONS.inc(quantity), robust=True)
    return item


def _record(cart: Cart, event_type: str, product: Product, quantity: int) -> None:
    """Cart events are keyed by the user, or by the guest cart (one guest's events stay in order)."""
    events.record(
        event_type,
        user=cart.user,
        session_key="" if cart.user_id else f"cart-{cart.pk}",
        product_id=product.pk,
        quantity=quantity,
        unit_price=product.price,
    )


@transaction.atomic
def set_quantity(item: CartItem, quantity: int) -> CartItem | None:
    """Set a line's quantity; zero removes the line."""
    if quantity == 0:
        remove_item(item)
        return None
    _check_quantity(quantity)
    _check_available(item.product, quantity)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


@transaction.atomic
def remove_item(item: CartItem) -> None:
    _record(item.cart, "cart_item_removed", item.product, item.quantity)
    item.delete()


def clear_cart(cart: Cart) -> None:
    cart.items.all().delete()


@transaction.atomic
def merge_carts(source: Cart, target: Cart) -> None:
    """Move the guest's lines into the user's cart: quantities add up, capped by stock."""
    existing = {item.product_id: item for item in target.items.select_for_update()}
    for item in source.items.select_related("product"):
        product = item.product
        current = existing.get(product.pk)
        wanted = item.quantity + (current.quantity if current else 0)
        capped = min(wanted, product.stock, settings.CART_MAX_LINE_QUANTITY)
        if not product.is_active or capped < 1:
            continue
        if current is None:
            CartItem.objects.create(cart=target, product=product, quantity=capped)
        elif capped != current.quantity:
            current.quantity = capped
            current.save(update_fields=["quantity"])
    source.delete()


def merge_session_cart_into_user(session, user) -> None:
    guest = session_cart(session, create=False)
    if guest is not None:
        merge_carts(guest, user_cart(user))
    session.pop(SESSION_KEY, None)


def purge_guest_carts(*, idle_for: timedelta) -> int:
    """Delete guest carts untouched for `idle_for` (their sessions have long expired). Returns how many."""
    cutoff = timezone.now() - idle_for
    _deleted, per_model = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return per_model.get(Cart._meta.label, 0)
