from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from orders import selectors, services
from orders.api.serializers import (
    CheckoutSerializer,
    OrderEventsQuerySerializer,
    OrderEventsSerializer,
    PurchaseSerializer,
    StatusSerializer,
)
from orders.status import OrderStatus
from shop.api.conditional import ConditionalReads
from shop.api.openapi import errors
from shop.converters import ID_REGEX

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string per checkout attempt; a retry with the same key returns the first purchase.",
)


class PurchaseViewSet(ConditionalReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Purchases (orders): buy the cart, list and read your own, follow their status, cancel before payment."""

    serializer_class = PurchaseSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = ID_REGEX
    filter_backends: list = []

    def get_queryset(self):
        return selectors.orders_for_user(self.request.user)

    @extend_schema(
        request=CheckoutSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: PurchaseSerializer, 200: PurchaseSerializer, **errors(409)},
    )
    def create(self, request):
        """Buy the whole cart. 201 with the new purchase; 200 with the first one on a retried key."""
        # An empty body parses to {} and buys the cart; a JSON `null` or a list is not a body we accept.
        details = CheckoutSerializer(data=request.data)
        details.is_valid(raise_exception=True)
        order, created = services.place_order(
            request.user, idempotency_key=request.headers.get("Idempotency-Key"), **details.validated_data
        )
        order = self.get_queryset().get(pk=order.pk)
        return Response(
            self.get_serializer(order).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=None, responses={200: PurchaseSerializer, **errors(409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the purchase and return its stock (buyers: before payment)."""
        order = get_object_or_404(self.get_queryset(), pk=pk)
        services.cancel_order(order, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=StatusSerializer, responses={200: PurchaseSerializer, **errors(409)})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Move the purchase to its next status (staff)."""
        order = get_object_or_404(self.get_queryset(), pk=pk)
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.change_status(order, OrderStatus(body.validated_data["status"]), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(parameters=[OrderEventsQuerySerializer], responses=OrderEventsSerializer)
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The purchase's status changes, oldest first (`after`: only those after an event id, for polling)."""
        order = get_object_or_404(self.get_queryset(), pk=pk)
        query = OrderEventsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        changes = selectors.status_changes_of(order, after=query.validated_data.get("after"))
        return Response(OrderEventsSerializer({"id": order.pk, "status": order.status, "events": changes}).data)
