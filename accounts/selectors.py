"""Reads for accounts."""

from django.db.models import Count, Q, QuerySet

from accounts.models import SellerProfile


def public_shops() -> QuerySet[SellerProfile]:
    """Shops anyone may see: their seller confirmed the address and staff have not switched them off.
    A shop is made at sign-up, before confirming, so its name is nobody's to show until then."""
    return SellerProfile.objects.filter(user__is_active=True)


def seller_list() -> QuerySet[SellerProfile]:
    """Sellers with the number of products they have on sale."""
    return (
        SellerProfile.objects.select_related("user")
        .filter(user__is_active=True)
        .annotate(product_count=Count("user__products", filter=Q(user__products__is_active=True)))
        .order_by("shop_name")
    )


def seller_by_slug(slug: str) -> SellerProfile:
    return seller_list().get(slug=slug)
