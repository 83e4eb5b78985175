"""The floor we measure against: the plainest DRF list over the same table.

No filters, no related objects, no images or ratings: what any DRF tutorial
would write. Our catalogue endpoint should keep at least 0.7× its throughput.
"""

from django.core.paginator import Paginator
from rest_framework import generics, permissions, serializers

from catalog.models import Product
from shop.api.pagination import StandardPagination


class BareProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "title", "description", "price", "stock", "category", "seller"]


class BarePagination(StandardPagination):
    """The API's pages on Django's own Paginator, as a tutorial's list has them: the page and a
    COUNT, two queries (our lists fetch both in one, shop.pagination.CountingPaginator)."""

    django_paginator_class = Paginator


class BareProductList(generics.ListAPIView):
    queryset = Product.objects.filter(is_active=True).order_by("-created_at", "-id")
    serializer_class = BareProductSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    filter_backends: list = []
    pagination_class = BarePagination
