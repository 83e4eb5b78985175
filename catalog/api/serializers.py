from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from catalog.models import Category, Product, ProductImage


class CategoryTranslationSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, help_text="A language other than the shop's own.")
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class CategorySerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=140, required=False, help_text="Made from the name (and the parent's) when not given."
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False, help_text="null: a top-level category."
    )
    label = serializers.CharField(
        read_only=True,
        help_text="The name in the answer's language (Content-Language): its translation, else `name`.",
    )
    translations = CategoryTranslationSerializer(
        many=True,
        required=False,
        help_text="The name and description in the shop's other languages; `name` and `description` are in its "
        "own. Writing it replaces the whole set (a language left out falls back to `name`).",
    )

    class Meta:
        model = Category
        fields = ["id", "name", "label", "slug", "parent", "description", "translations"]
        extra_kwargs = {"name": {"max_length": 120}, "description": {"required": False}}
        validators: list = []  # uniqueness among siblings is the service's rule (409, not 400)


class ProductImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The original (metadata stripped); presigned when in a bucket.")
    key = serializers.CharField(source="image.name", read_only=True, help_text="Its key in storage.")
    thumbnails = serializers.SerializerMethodField(help_text="Width in pixels → URL of a copy that wide.")
    # Declared, not derived from the model: the derived bounds depend on the database (SQLite has no smallint).
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    class Meta:
        model = ProductImage
        fields = ["id", "url", "key", "thumbnails", "width", "height", "alt_text", "position", "is_primary"]
        read_only_fields = ["id", "url", "key", "thumbnails", "width", "height"]

    def get_url(self, image: ProductImage) -> str:
        return _absolute(image.image.url, self.context.get("request"))

    def get_thumbnails(self, image: ProductImage) -> dict[str, str]:
        return _thumbnails(image, self.context.get("request"))


class ImageChangeSerializer(serializers.Serializer):
    alt_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_primary = serializers.BooleanField(required=False, help_text="true makes this the product's primary image.")


class ProductSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.00"), max_value=Decimal("9999999999.99")
    )
    stock = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        help_text="On a change, send expected_stock with it (or use stock_delta): orders placed since you "
        "read the figure are not undone.",
    )
    expected_stock = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text="The stock you last read. A new stock is set only if the stock is still this; "
        "otherwise 409 with the current figure.",
    )
    stock_delta = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=-2_147_483_647,
        max_value=2_147_483_647,
        help_text='Change the stock by this many units ("add 5": 5); no condition needed.',
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)
    seller = serializers.IntegerField(source="seller_id", read_only=True)
    seller_name = serializers.CharField(source="shop_name", read_only=True, help_text="The seller's shop name.")
    images = ProductImageSerializer(source="gallery", many=True, read_only=True)
    rating = serializers.FloatField(source="rating_average", read_only=True)
    in_stock = serializers.BooleanField(read_only=True)
    slug = serializers.CharField(
        read_only=True,
        help_text="Words of the title for the storefront URL (Cyrillic in Latin letters); empty when it has none.",
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "title",
            "slug",
            "description",
            "price",
            "currency",
            "stock",
            "expected_stock",
            "stock_delta",
            "in_stock",
            "category",
            "category_name",
            "seller",
            "seller_name",
            "images",
            "rating",
            "rating_count",
            "is_active",
            "is_featured",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "currency", "rating_count", "created_at", "updated_at"]
        extra_kwargs = {"title": {"max_length": 200, "allow_blank": False}, "description": {"max_length": 20_000}}

    def to_representation(self, product: Product) -> dict:
        """The catalogue's hottest path, written out by hand: about three times faster than
        DRF's field-by-field walk. `test_fast_representation_matches_drf` pins it to the
        generic output, so the declared fields above stay the single description (and the schema).
        """
        request = self.context.get("request")
        return {
            "id": product.pk,
            "title": product.title,
            "slug": product.slug,
            "description": product.description,
            "price": _money(product.price),
            "currency": product.currency,
            "stock": product.stock,
            "in_stock": product.stock > 0,
            "category": product.category_id,
            "category_name": product.category.name,
            "seller": product.seller_id,
            "seller_name": product.shop_name,
            "images": [_image(image, request) for image in product.gallery],
            "rating": float(product.rating_average),
            "rating_count": product.rating_count,
            "is_active": product.is_active,
            "is_featured": product.is_featured,
            "created_at": _timestamp(product.created_at),
            "updated_at": _timestamp(product.updated_at),
        }

    def generic_representation(self, product: Product) -> dict:
        """DRF's own rendering of the declared fields (what the fast path must equal)."""
        return super().to_representation(product)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _timestamp(value) -> str:
    """As DRF renders a DateTimeField: ISO 8601 in the current time zone, UTC written as Z."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _absolute(url: str, request) -> str:
    return request.build_absolute_uri(url) if request and url.startswith("/") else url


def _thumbnails(image: ProductImage, request) -> dict[str, str]:
    storage = image.image.storage
    return {width: _absolute(storage.url(key), request) for width, key in sorted(image.thumbnails.items())}


def _image(image: ProductImage, request) -> dict:
    return {
        "id": image.pk,
        "url": _absolute(image.image.url, request),
        "key": image.image.name,
        "thumbnails": _thumbnails(image, request),
        "width": image.width,
        "height": image.height,
        "alt_text": image.alt_text,
        "position": image.position,
        "is_primary": image.is_primary,
    }


class ImageUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG, PNG or WebP image, at most 5 MB.")
    alt_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
