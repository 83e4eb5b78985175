from rest_framework import serializers

from orders.models import Order, OrderLine, OrderStatusChange
from orders.status import OrderStatus, next_statuses


class OrderLineSerializer(serializers.ModelSerializer):
    seller = serializers.IntegerField(source="seller_id", read_only=True, allow_null=True)
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "seller", "title", "unit_price", "quantity", "line_total"]
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "changed_at"]
        read_only_fields = fields


class PurchaseSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)
    next_statuses = serializers.SerializerMethodField()
    buyer = serializers.IntegerField(source="buyer_id", read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "buyer",
            "status",
            "total",
            "currency",
            "shipping_name",
            "shipping_address",
            "lines",
            "history",
            "next_statuses",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_next_statuses(self, order: Order) -> list[str]:
        return next_statuses(order.status)


class CheckoutSerializer(serializers.Serializer):
    """Optional delivery details; with no body the whole cart is bought."""

    shipping_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    shipping_address = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
