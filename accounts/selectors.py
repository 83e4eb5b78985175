"""Reads for accounts."""

from django.db.models import Count, Q, QuerySet

from accounts.models import SellerProfile


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
