from rest_framework import serializers

from reviews.models import Review
from reviews.services import MAX_REVIEW_LENGTH


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=MAX_REVIEW_LENGTH, allow_blank=True, required=False, default="")
    verified_purchase = serializers.BooleanField(source="is_verified_purchase", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "product", "author", "author_name", "rating", "text", "verified_purchase", "created_at"]
        read_only_fields = ["id", "product", "author", "author_name", "verified_purchase", "created_at"]
