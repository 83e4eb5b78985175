"""The floor we measure against: the plainest DRF list over the same table.

No filters, no related objects, no images or ratings: what any DRF tutorial
would write. Our catalogue endpoint should keep at least 0.7× its throughput.
"""

from rest_framework import generics, permissions, serializers

from catalog.models import Product


class BareProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "title", "description", "price", "stock", "category", "seller"]


class BareProductList(generics.ListAPIView):
    queryset = Product.objects.filter(is_active=True).order_by("-created_at", "-id")
    serializer_class = BareProductSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    filter_backends: list = []
