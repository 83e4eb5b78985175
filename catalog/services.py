"""Writes for the catalogue. Only a product's seller, or staff, may change it."""

from decimal import Decimal
from pathlib import PurePath

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from catalog.images import check_image
from catalog.models import Category, Product, ProductImage
from shop.errors import DomainError, Forbidden

EDITABLE_FIELDS = ("title", "description", "price", "stock", "category", "is_active", "is_featured")


def can_manage_product(user, product: Product) -> bool:
    return user.is_authenticated and (user.is_staff or product.seller_id == user.id)


def ensure_can_manage(user, product: Product) -> None:
    if not can_manage_product(user, product):
        raise Forbidden("Only the product's seller or staff may change it.")


def ensure_can_sell(user) -> None:
    if not (user.is_authenticated and (user.is_staff or getattr(user, "is_seller", False))):
        raise Forbidden("Only sellers may list products. Sign up as a seller to open a shop.")


def _check_values(price: Decimal | None, stock: int | None) -> None:
    if price is not None and price < 0:
        raise DomainError("The price cannot be negative.", field="price")
    if stock is not None and stock < 0:
        raise DomainError("The stock cannot be negative.", field="stock")


@transaction.atomic
def create_product(
    *,
    seller,
    title: str,
    price: Decimal,
    category: Category,
    description: str = "",
    stock: int = 0,
    is_active: bool = True,
    is_featured: bool = False,
) -> Product:
    ensure_can_sell(seller)
    _check_values(price, stock)
    return Product.objects.create(
        seller=seller,
        title=title,
        slug=slugify(title)[:220],
        description=description,
        price=price,
        category=category,
        stock=stock,
        is_active=is_active,
        is_featured=is_featured and seller.is_staff,
    )


@transaction.atomic
def update_product(product: Product, *, by, **changes) -> Product:
    ensure_can_manage(by, product)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "is_featured" in changes and not by.is_staff:
        changes.pop("is_featured")
    _check_values(changes.get("price"), changes.get("stock"))
    for name, value in changes.items():
        setattr(product, name, value)
    if "title" in changes:
        product.slug = slugify(product.title)[:220]
    product.save()
    return product


def deactivate_product(product: Product, *, by) -> Product:
    """Take a product off sale; it stays in order history."""
    return update_product(product, by=by, is_active=False)


@transaction.atomic
def delete_product(product: Product, *, by) -> None:
    """Delete a product; order lines keep their copied title and price."""
    ensure_can_manage(by, product)
    images = [image.image for image in product.images.all()]
    product.delete()
    transaction.on_commit(lambda: [stored.delete(save=False) for stored in images])


@transaction.atomic
def add_product_image(product: Product, *, by, upload, alt_text: str = "") -> ProductImage:
    ensure_can_manage(by, product)
    extension = check_image(upload)
    upload.name = f"{PurePath(upload.name or 'image').stem}.{extension}"
    position = (product.images.aggregate(last=Max("position"))["last"] or 0) + 1
    image = ProductImage(product=product, alt_text=alt_text[:200], position=position)
    image.image.save(upload.name, upload, save=False)
    try:
        image.save()
    except Exception:
        image.image.delete(save=False)
        raise
    return image


@transaction.atomic
def delete_product_image(image: ProductImage, *, by) -> None:
    ensure_can_manage(by, image.product)
    stored = image.image
    image.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def save_product(product: Product, *, by) -> Product:
    """Save a product edited as a whole, as the back-office form does.

    The owner is checked against the stored row, so a form cannot move a product
    to another seller; sellers always own what they create.
    """
    if product.pk is None:
        ensure_can_sell(by)
        if not (by.is_staff and product.seller_id):
            product.seller = by
    else:
        ensure_can_manage(by, Product.objects.get(pk=product.pk))
        if not by.is_staff:
            product.seller_id = Product.objects.values_list("seller_id", flat=True).get(pk=product.pk)
    if not by.is_staff:
        product.is_featured = False if product.pk is None else Product.objects.get(pk=product.pk).is_featured
    _check_values(product.price, product.stock)
    product.slug = slugify(product.title)[:220]
    product.save()
    return product
