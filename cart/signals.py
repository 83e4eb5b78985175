"""Merge the guest's cart into the user's on login (the rule lives in cart.services)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from cart import services


@receiver(user_logged_in, dispatch_uid="cart_merge_on_login")
def merge_guest_cart(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        services.merge_session_cart_into_user(request.session, user)
