"""The cart page: add, change quantity, remove. Works for guests and signed-in users."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cart import selectors, services
from cart.forms import AddToCartForm, QuantityForm
from cart.models import CartItem
from catalog import selectors as catalog_selectors
from shop.errors import DomainError


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def cart_detail(request):
    contents = selectors.cart_contents(services.cart_for_request(request, create=False))
    return render(request, "cart/cart.html", {"contents": contents})


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a quantity of at least 1."))
        return _back(request, "cart:detail")
    product = get_object_or_404(catalog_selectors.visible_products(), pk=form.cleaned_data["product"])
    try:
        services.add_to_cart(services.cart_for_request(request, create=True), product, form.cleaned_data["quantity"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, "cart:detail")
    messages.success(
        request,
        _("Added %(quantity)s × %(title)s to your cart.")
        % {"quantity": form.cleaned_data["quantity"], "title": product.title},
    )
    return _back(request, "cart:detail")


def _own_item(request, pk: int) -> CartItem:
    return get_object_or_404(selectors.items_in(services.cart_for_request(request, create=False)), pk=pk)


@require_POST
def cart_update(request, pk: int):
    item = _own_item(request, pk)
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a quantity of 0 or more (0 removes the line)."))
        return redirect("cart:detail")
    try:
        services.set_quantity(item, form.cleaned_data["quantity"])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cart:detail")


@require_POST
def cart_remove(request, pk: int):
    item = _own_item(request, pk)
    services.remove_item(item)
    messages.success(request, _("Removed %(title)s.") % {"title": item.product.title})
    return redirect("cart:detail")
