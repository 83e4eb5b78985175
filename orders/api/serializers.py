from drf_spectacular.utils import extend_schema_field
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


class PreviousStatusField(serializers.ChoiceField):
    """The status before a change; the first change of every order (its placing) had none: null."""

    def __init__(self, **kwargs):
        super().__init__(choices=OrderStatus.choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class StatusChangeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True)
    from_status = PreviousStatusField(read_only=True)
    to_status = serializers.ChoiceField(choices=OrderStatus.choices, read_only=True)
    actor = serializers.SerializerMethodField(help_text="Who made the change: the buyer, staff, or nobody known.")

    class Meta:
        model = OrderStatusChange
        fields = ["id", "from_status", "to_status", "changed_at", "actor"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["buyer", "staff", "unknown"]))
    def get_actor(self, change: OrderStatusChange) -> str:
        if change.changed_by_id is None:
            return "unknown"
        return "buyer" if change.changed_by_id == change.order.buyer_id else "staff"


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

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=OrderStatus.choices)))
    def get_next_statuses(self, order: Order) -> list[str]:
        return next_statuses(order.status)


class CheckoutSerializer(serializers.Serializer):
    """Optional delivery details; with no body the whole cart is bought."""

    shipping_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    shipping_address = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)


class OrderEventsQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, help_text="Only events after this event id (for polling)."
    )


class OrderEventsSerializer(serializers.Serializer):
    """An order's status history, oldest first: what an app shows as the order's timeline."""

    order = serializers.IntegerField(source="id")
    status = serializers.ChoiceField(choices=OrderStatus.choices, help_text="The status now.")
    events = StatusChangeSerializer(many=True)
