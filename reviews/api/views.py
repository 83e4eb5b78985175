from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from catalog import selectors as catalog_selectors
from reviews import selectors, services
from reviews.api.serializers import CommentSerializer
from shop.api.conditional import ConditionalReads
from shop.api.openapi import errors


class ProductCommentsView(ConditionalReads, generics.ListCreateAPIView):
    """A product's visible reviews; a signed-in shopper posts one (once per product)."""

    serializer_class = CommentSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends: list = []

    def _product(self):
        return get_object_or_404(catalog_selectors.visible_products(), pk=self.kwargs["pk"])

    def get_queryset(self):
        return selectors.visible_reviews(self._product().pk)

    @extend_schema(tags=["products"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["products"], responses={201: CommentSerializer, **errors(409)})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.post_review(
            author=self.request.user, product=self._product(), **serializer.validated_data
        )
