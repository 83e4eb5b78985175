"""Checkout and order history pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cart import selectors as cart_selectors
from cart import services as cart_services
from orders import selectors, services
from orders.forms import CheckoutForm
from shop.errors import DomainError
from shop.pagination import paginate


@login_required
def checkout(request):
    contents = cart_selectors.cart_contents(cart_services.cart_for_request(request, create=False))
    initial = {"shipping_name": request.user.get_full_name()}
    form = CheckoutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order, _created = services.place_order(
                request.user,
                idempotency_key=f"web-{form.cleaned_data['token']}",
                shipping_name=form.cleaned_data["shipping_name"],
                shipping_address=form.cleaned_data["shipping_address"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("cart:detail")
        messages.success(request, _("Thank you! Order #%(number)d is placed.") % {"number": order.pk})
        return redirect(order)
    if contents.is_empty and request.method == "GET":
        messages.info(request, _("Your cart is empty: add something before checking out."))
        return redirect("cart:detail")
    return render(request, "orders/checkout.html", {"form": form, "contents": contents})


@login_required
def order_list(request):
    orders = selectors.orders_for_user(request.user).filter(buyer=request.user)
    return render(request, "orders/order_list.html", {"page": paginate(request, orders, per_page=20)})


@login_required
def order_detail(request, pk: int):
    order = get_object_or_404(selectors.orders_for_user(request.user), pk=pk)
    return render(
        request,
        "orders/order_detail.html",
        {"order": order, "can_cancel": services.can_change_status(request.user, order, "cancelled")},
    )


@login_required
@require_POST
def order_cancel(request, pk: int):
    order = get_object_or_404(selectors.orders_for_user(request.user), pk=pk)
    try:
        services.cancel_order(order, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order #%(number)d is cancelled.") % {"number": order.pk})
    return redirect(order)
