"""The catalogue: a category tree, the products sellers list, and their images."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.image_rows import ImageRows, images_from_rows
from shop.currency import shop_currency


class Category(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=120)
    slug = models.SlugField(verbose_name=_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    description = models.TextField(verbose_name=_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        ordering = ["name"]
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="catalog_category_unique_name")]

    def __str__(self) -> str:
        return self.label

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` ("name" or "description") in `language` (the active one by default); the
        shop's own language (the category's own fields) when no translation says otherwise.
        Reads the prefetched translations when the queryset fetched them."""
        language = language or get_language() or settings.LANGUAGE_CODE
        if language != settings.LANGUAGE_CODE and self.pk is not None:
            for translation in self.translations.all():
                if translation.language == language and getattr(translation, field):
                    return getattr(translation, field)
        return getattr(self, field)

    @property
    def label(self) -> str:
        """The name in the active language."""
        return self.localized("name")

    def ancestors(self) -> list["Category"]:
        """From the root down to this category's parent (the tree is shallow)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return " / ".join([c.label for c in self.ancestors()] + [self.label])


class CategoryTranslation(models.Model):
    """A category's name and description in a language other than the shop's own (LANGUAGE_CODE).

    Staff write them beside the category; any language of settings.LANGUAGES may have one, and a
    missing one falls back to the category's own text.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="translations", verbose_name=_("category")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category translation")
        verbose_name_plural = _("category translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["category", "language"], name="catalog_category_translation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.name}"


IMAGE_ROWS = "image_rows"  # the annotation `with_images` reads the images through


class ProductIterable(ModelIterable):
    """Products as Django builds them, each given the images its row carries (`with_images`), in
    every way a queryset is read (a list, `.iterator()`, `.get()`)."""

    def __iter__(self):
        using = self.queryset.db
        for product in super().__iter__():
            if IMAGE_ROWS in product.__dict__:
                images = images_from_rows(ProductImage, product.__dict__.pop(IMAGE_ROWS), using)
                product.image_list = sorted(images, key=display_order)
            yield product


class ProductQuerySet(models.QuerySet):
    """Products that can bring their images along in their own query."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._iterable_class = ProductIterable

    def with_images(self) -> "ProductQuerySet":
        """Give each product its images in display order, as `product.image_list`, read in the
        products' own query (catalog.image_rows): a page of products costs one query, not two."""
        if IMAGE_ROWS in self.query.annotations:
            return self._chain()
        return self.annotate(**{IMAGE_ROWS: ImageRows(ProductImage)})


def display_order(image: "ProductImage") -> tuple:
    """ProductImage.Meta.ordering as a sort key (`test_image_rows` holds the two together)."""
    return (not image.is_primary, image.position, image.pk)


class Product(models.Model):
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products", verbose_name=_("seller")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=220, blank=True)
    description = models.TextField(verbose_name=_("description"), blank=True)
    price = models.DecimalField(
        verbose_name=_("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default=shop_currency, editable=False)
    stock = models.PositiveIntegerField(verbose_name=_("stock"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True, db_index=True)
    is_featured = models.BooleanField(verbose_name=_("is featured"), default=False)
    # Kept by reviews.services whenever a visible review changes, so lists can
    # order by rating without aggregating reviews on every request.
    rating_average = models.DecimalField(
        verbose_name=_("rating average"), max_digits=3, decimal_places=2, default=Decimal("0.00")
    )
    rating_count = models.PositiveIntegerField(verbose_name=_("rating count"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["is_active", "-created_at"], name="catalog_product_active_new"),
            # by price, and counted under the stock filter from the index alone (PostgreSQL's INCLUDE)
            models.Index(fields=["is_active", "price"], include=["stock"], name="catalog_product_price_stock"),
            # what is in stock (the shoppers' most used filter), by price: its count reads only the
            # rows it counts, not every product's stock (0.70 → 0.48 ms at 10k products)
            models.Index(
                fields=["price"], condition=models.Q(is_active=True, stock__gt=0), name="catalog_product_in_stock"
            ),
            # the home page's featured shelf: its eight best without reading the other rows
            models.Index(
                fields=["-rating_average", "-id"],
                condition=models.Q(is_active=True, is_featured=True),
                name="catalog_product_featured_best",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="catalog_product_price_not_negative"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="catalog_product_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.slug:
            return reverse("catalog:product-detail-slug", args=[self.pk, self.slug])
        return reverse("catalog:product-detail", args=[self.pk])

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def gallery(self) -> list["ProductImage"]:
        """The images in display order; the list `with_images` read when there is one."""
        prefetched = getattr(self, "image_list", None)
        return prefetched if prefetched is not None else list(self.images.all())

    @property
    def primary_image(self) -> "ProductImage | None":
        images = self.gallery
        return images[0] if images else None

    @property
    def shop_name(self) -> str:
        """The seller's shop name; products of staff without a shop are sold by the marketplace itself."""
        if hasattr(self, "shop_name_value"):  # annotated by catalog.selectors
            name = self.shop_name_value
        else:
            profile = getattr(self.seller, "seller_profile", None)
            name = profile.shop_name if profile and self.seller.is_active else None
        return name or settings.SHOP_NAME


def product_image_path(instance: "ProductImage", filename: str) -> str:
    """Where a file saved through the field lands (services name their keys the same way)."""
    extension = PurePath(filename).suffix.lower().lstrip(".") or "jpg"
    return f"products/{instance.product_id}/{uuid.uuid4().hex}.{extension}"


class ProductImage(models.Model):
    """A product photo: the re-encoded original and its thumbnails, all in the default storage.

    Keys follow `products/{product_id}/{uuid}.{ext}`, thumbnails beside it as
    `{uuid}_w{width}.{ext}` (see catalog.services.add_product_image).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product"))
    image = models.ImageField(verbose_name=_("image"), upload_to=product_image_path, max_length=255)
    thumbnails = models.JSONField(
        verbose_name=_("thumbnails"), default=dict, blank=True, help_text=_("width → storage key")
    )
    width = models.PositiveIntegerField(verbose_name=_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(verbose_name=_("height"), null=True, blank=True)
    alt_text = models.CharField(verbose_name=_("alt text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    is_primary = models.BooleanField(verbose_name=_("is primary"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["-is_primary", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(is_primary=True), name="catalog_one_primary_image_per_product"
            )
        ]

    def __str__(self) -> str:
        return self.image.name

    @property
    def keys(self) -> list[str]:
        """Every object this image owns in storage."""
        return [self.image.name, *self.thumbnails.values()]

    def thumbnail_url(self, width: int) -> str:
        """The smallest stored copy at least `width` wide (the original when it is narrower)."""
        for size in sorted(int(key) for key in self.thumbnails):
            if size >= width:
                return self.image.storage.url(self.thumbnails[str(size)])
        return self.image.url

    @property
    def card_url(self) -> str:
        return self.thumbnail_url(320)

    @property
    def page_url(self) -> str:
        return self.thumbnail_url(640)


class SearchQueueEntry(models.Model):
    """A search document to refresh, written in the transaction that changed its source.

    The row stays until the engine has taken the change, so an engine that is
    down delays indexing but never loses it. `queued_at` moves on every new
    change, so a change made while a batch is in flight is not mistaken for done.
    """

    class Kind(models.TextChoices):
        PRODUCT = "products", _("Product")
        SELLER = "sellers", _("Seller")
        COMMENT = "comments", _("Comment")

    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField(verbose_name=_("object id"))
    queued_at = models.DateTimeField(verbose_name=_("queued at"), db_index=True)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)

    class Meta:
        verbose_name = _("search queue entry")
        ordering = ["queued_at", "id"]
        verbose_name_plural = _("search queue entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="catalog_search_queue_unique")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"
