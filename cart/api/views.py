from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cart import selectors, services
from cart.api.serializers import AddToCartSerializer, CartSerializer, ChangeQuantitySerializer
from cart.models import CartItem
from shop.api.openapi import errors


def _cart_response(user, status_code=status.HTTP_200_OK) -> Response:
    contents = selectors.cart_contents(services.user_cart(user))
    return Response(CartSerializer(contents).data, status=status_code)


class CartView(APIView):
    """The signed-in user's cart."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=CartSerializer, tags=["cart"])
    def get(self, request):
        return _cart_response(request.user)

    @extend_schema(request=AddToCartSerializer, responses={201: CartSerializer, **errors(409)}, tags=["cart"])
    def post(self, request):
        """Add a product; if it is already in the cart, its quantity grows."""
        serializer = AddToCartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_to_cart(services.user_cart(request.user), **serializer.validated_data)
        return _cart_response(request.user, status.HTTP_201_CREATED)


class CartItemView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _item(self, request, pk: int) -> CartItem:
        return get_object_or_404(selectors.items_in(services.cart_for_request(request, create=False)), pk=pk)

    @extend_schema(request=ChangeQuantitySerializer, responses={200: CartSerializer, **errors(409)}, tags=["cart"])
    def patch(self, request, pk: int):
        """Set a line's quantity (0 removes it)."""
        item = self._item(request, pk)
        serializer = ChangeQuantitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_quantity(item, serializer.validated_data["quantity"])
        return _cart_response(request.user)

    @extend_schema(responses={204: None}, tags=["cart"])
    def delete(self, request, pk: int):
        """Remove a line from the cart."""
        services.remove_item(self._item(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
