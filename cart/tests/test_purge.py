"""Abandoned guest carts are purged; users' carts and fresh guest carts stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cart.models import Cart
from cart.tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


def test_old_guest_carts_go_and_the_rest_stay():
    old_guest = CartItemFactory(cart=CartFactory(user=None)).cart
    fresh_guest = CartFactory(user=None)
    old_user_cart = CartFactory()
    Cart.objects.filter(pk__in=[old_guest.pk, old_user_cart.pk]).update(updated_at=timezone.now() - timedelta(days=30))
    out = StringIO()

    call_command("purge_guest_carts", "--days", "14", stdout=out)

    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh_guest.pk, old_user_cart.pk}
    assert "Deleted 1 guest cart" in out.getvalue()


def test_days_must_be_positive():
    with pytest.raises(CommandError):
        call_command("purge_guest_carts", "--days", "0")
