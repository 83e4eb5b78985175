from django.conf import settings
from rest_framework import serializers

from catalog.models import Product


class CartItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True)
    title = serializers.CharField(source="product.title", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    price = serializers.DecimalField(source="unit_price", max_digits=12, decimal_places=2, read_only=True)
    subtotal = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    stock = serializers.IntegerField(source="product.stock", read_only=True)


class CartSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cart.id", read_only=True, allow_null=True)
    items = CartItemSerializer(many=True, read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    count = serializers.IntegerField(read_only=True)
    currency = serializers.SerializerMethodField()

    def get_currency(self, contents) -> str:
        return settings.SHOP_CURRENCY


class AddToCartSerializer(serializers.Serializer):
    # Products on sale only: an id of a draft or withdrawn product answers as an unknown id does,
    # so the cart tells nobody its title, its stock or that it exists.
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.filter(is_active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=settings.CART_MAX_LINE_QUANTITY, default=1)


class ChangeQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=settings.CART_MAX_LINE_QUANTITY)
