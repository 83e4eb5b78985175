from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from catalog import selectors, services, view_counting
from catalog.api.filtering import CatalogueFilterBackend
from catalog.api.serializers import (
    CategorySerializer,
    ImageChangeSerializer,
    ImageUploadSerializer,
    ProductImageSerializer,
    ProductSerializer,
)
from catalog.filters import ProductFilter
from catalog.models import ProductImage
from shop.api.conditional import ConditionalReads
from shop.api.openapi import errors
from shop.api.pagination import CataloguePagination
from shop.api.parsers import SafeJSONParser
from shop.converters import ID_REGEX


class ReadOnlyOrStaff(permissions.BasePermission):
    message = _("Only staff may create, change or delete categories.")

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_staff)


@extend_schema_view(
    create=extend_schema(responses={201: CategorySerializer, **errors(409)}),
    partial_update=extend_schema(responses={200: CategorySerializer, **errors(409)}),
    destroy=extend_schema(responses={204: None, **errors(409)}),
)
class CategoryViewSet(ConditionalReads, viewsets.ModelViewSet):
    """The category tree. Anyone reads; staff create, change and delete (a category with products or
    sub-categories is not deleted: 409)."""

    queryset = selectors.named_categories().order_by("name")
    serializer_class = CategorySerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [ReadOnlyOrStaff]
    parser_classes = [SafeJSONParser]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.create_category(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_category(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_category(instance, by=self.request.user)


@extend_schema_view(
    list=extend_schema(
        description="The catalogue, newest first unless `ordering` says otherwise. Shoppers see products on sale; "
        "a signed-in seller also sees their own taken off sale; staff see all."
    ),
    retrieve=extend_schema(description="One product with its images, price, stock and rating."),
    create=extend_schema(description="Put a product on sale; you are its seller (sellers and staff)."),
    update=extend_schema(
        description="Replace a product's fields (its seller or staff).",
        responses={200: ProductSerializer, **errors(409)},  # a stock that changed since it was read
    ),
    partial_update=extend_schema(
        description="Change some of a product's fields (its seller or staff).",
        responses={200: ProductSerializer, **errors(409)},
    ),
    destroy=extend_schema(description="Delete a product and its images; orders keep their copies of it."),
)
class ProductViewSet(
    ConditionalReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The catalogue. Anyone reads; sellers list products and manage their own; staff manage all."""

    serializer_class = ProductSerializer
    pagination_class = CataloguePagination
    lookup_value_regex = ID_REGEX
    filter_backends = [CatalogueFilterBackend]
    filterset_class = ProductFilter

    def get_queryset(self):
        return selectors.products_for_viewer(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        product = self.get_object()
        view_counting.count_view(request, product)
        return Response(self.get_serializer(product).data)

    def perform_create(self, serializer):
        fields = {k: v for k, v in serializer.validated_data.items() if k not in ("expected_stock", "stock_delta")}
        product = services.create_product(seller=self.request.user, **fields)
        serializer.instance = selectors.all_products().get(pk=product.pk)

    def perform_update(self, serializer):
        product = services.update_product(serializer.instance, by=self.request.user, **serializer.validated_data)
        serializer.instance = selectors.all_products().get(pk=product.pk)

    def perform_destroy(self, instance):
        services.delete_product(instance, by=self.request.user)

    @extend_schema(request={"multipart/form-data": ImageUploadSerializer}, responses={201: ProductImageSerializer})
    @action(detail=True, methods=["post"], url_path="image", parser_classes=[MultiPartParser])
    def image(self, request, pk=None):
        """Upload an image of the product (multipart field `file`)."""
        product = get_object_or_404(selectors.all_products(), pk=pk)
        services.ensure_can_manage(request.user, product)
        upload = ImageUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        image = services.add_product_image(
            product, by=request.user, upload=upload.validated_data["file"], alt_text=upload.validated_data["alt_text"]
        )
        return Response(
            ProductImageSerializer(image, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def _own_image(self, request, pk, image_id) -> ProductImage:
        product = get_object_or_404(selectors.all_products(), pk=pk)
        services.ensure_can_manage(request.user, product)
        return get_object_or_404(selectors.images_of(product), pk=image_id)

    @extend_schema(request=ImageChangeSerializer, responses={200: ProductImageSerializer})
    @action(detail=True, methods=["patch"], url_path=rf"images/(?P<image_id>{ID_REGEX})")
    def change_image(self, request, pk=None, image_id=None):
        """Change an image's description or position, or make it the primary image."""
        image = self._own_image(request, pk, image_id)
        body = ImageChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        image = services.update_product_image(image, by=request.user, **body.validated_data)
        return Response(ProductImageSerializer(image, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None})
    @change_image.mapping.delete
    def delete_image(self, request, pk=None, image_id=None):
        """Delete an image and its stored copies."""
        services.delete_product_image(self._own_image(request, pk, image_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
