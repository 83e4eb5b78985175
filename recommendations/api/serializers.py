from rest_framework import serializers

from catalog.api.serializers import ProductSerializer
from recommendations.selectors import Source


class LimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=30, required=False, help_text="How many products (1–30).")


class TrendingProductSerializer(ProductSerializer):
    trend_score = serializers.FloatField(
        read_only=True,
        help_text="How fast the product's activity rises: decayed recent activity over its usual level (1 = as usual).",
    )

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "trend_score"]

    def to_representation(self, product) -> dict:
        return {**super().to_representation(product), "trend_score": product.trend_score}


def _source(*choices: Source, help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[str(choice) for choice in choices], help_text=help_text)


class ShelfSerializer(serializers.Serializer):
    results = ProductSerializer(many=True, read_only=True)


class ProductRecommendationsSerializer(ShelfSerializer):
    product = serializers.IntegerField(help_text="The product these go with.")
    source = _source(
        Source.BOUGHT_TOGETHER,
        Source.CATEGORY_BEST_SELLERS,
        Source.UNAVAILABLE,
        help_text="bought_together: mined from orders; category_best_sellers: too little data about this product "
        "yet, so its category's best sellers; unavailable: the analytics warehouse did not answer (no results).",
    )


class ShopperRecommendationsSerializer(ShelfSerializer):
    source = _source(
        Source.ITEM_TO_ITEM,
        Source.BEST_SELLERS,
        Source.UNAVAILABLE,
        help_text="item_to_item: bought together with what you bought (topped up with best sellers); best_sellers: "
        "nothing to go on yet; unavailable: the analytics warehouse did not answer (no results).",
    )


class TrendingSerializer(serializers.Serializer):
    source = _source(
        Source.TRENDING,
        Source.UNAVAILABLE,
        help_text="trending, or unavailable when the analytics warehouse did not answer (no results).",
    )
    window_hours = serializers.IntegerField(help_text="Activity this recent counts.")
    half_life_hours = serializers.FloatField(help_text="An event counts half as much this many hours later.")
    results = TrendingProductSerializer(many=True, read_only=True)
