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


class TwoQueryPaginator(Paginator):
    """Django's own Paginator, as a tutorial's list has it: the page and a COUNT, two queries (our
    lists fetch both in one, shop.pagination.CountingPaginator); its cursor pages likewise."""

    def rows_and_count(self, rows, bottom: int, top: int) -> tuple[list, int]:
        return list(rows[bottom:top]), self.count


class BarePagination(StandardPagination):
    django_paginator_class = TwoQueryPaginator


class BareProductList(generics.ListAPIView):
    queryset = Product.objects.filter(is_active=True).order_by("-created_at", "-id")
    serializer_class = BareProductSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    filter_backends: list = []
    pagination_class = BarePagination
