"""Writes for the catalogue. Only a product's seller, or staff, may change it."""

import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from catalog import product_pages, selectors
from catalog.images import prepare_image
from catalog.models import Category, CategoryTranslation, Product, ProductImage, SearchQueueEntry
from catalog.search.indexer import enqueue
from shop import events
from shop.errors import Conflict, DomainError, Forbidden, StaleStock
from shop.i18n.slugs import slug_for
from shop.shared_reads import forget

MAX_STOCK = 2_147_483_647  # the stock column's ceiling (a PostgreSQL integer)

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "description", "price", "stock", "category", "is_active", "is_featured")
# What the back-office form writes: the editable fields and the owner (staff may move a product).
BACK_OFFICE_FIELDS = (*EDITABLE_FIELDS, "seller")


def can_manage_product(user, product: Product) -> bool:
    return user.is_authenticated and (user.is_staff or product.seller_id == user.id)


def ensure_can_manage(user, product: Product) -> None:
    if not can_manage_product(user, product):
        raise Forbidden(_("Only the product's seller or staff may change it."))


def ensure_can_sell(user) -> None:
    if not (user.is_authenticated and (user.is_staff or getattr(user, "is_seller", False))):
        raise Forbidden(_("Only sellers may list products. Sign up as a seller to open a shop."))


def _check_values(price: Decimal | None, stock: int | None) -> None:
    if price is not None and price < 0:
        raise DomainError(_("The price cannot be negative."), field="price")
    if stock is not None and stock < 0:
        raise DomainError(_("The stock cannot be negative."), field="stock")


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
    product = Product.objects.create(
        seller=seller,
        title=title,
        slug=slug_for(title)[:220],
        description=description,
        price=price,
        category=category,
        stock=stock,
        is_active=is_active,
        is_featured=is_featured and seller.is_staff,
    )
    enqueue(SearchQueueEntry.Kind.PRODUCT, [product.pk])
    _record_created(product, seller)
    return product


def _record_created(product: Product, by) -> None:
    events.record(
        "product_created",
        user=by,
        product_id=product.pk,
        seller_id=product.seller_id,
        category_id=product.category_id,
        price=product.price,
        stock=product.stock,
    )


def _stock_change(locked: Product, changes: dict, expected_stock: int | None, stock_delta: int | None) -> None:
    """Turn the seller's stock wish into a new figure in `changes`, or drop it, or refuse it.

    Buyers change the stock all the time (checkout takes units under the same row lock), so a
    figure typed by a seller is only right for the stock they saw: `expected_stock`. A figure
    equal to what they saw is no change at all (the form just sent it back); another figure
    needs the stock to be still what they saw. `stock_delta` ("add 5") needs no condition.
    """
    from catalog.stock_forms import stale_stock_message

    if stock_delta is not None:
        if "stock" in changes:
            raise DomainError(
                _("Send either stock (with expected_stock) or stock_delta, not both."), field="stock_delta"
            )
        if locked.stock + stock_delta < 0:
            raise StaleStock(
                _("The stock is %(stock)d: it cannot go down by %(delta)d.")
                % {"stock": locked.stock, "delta": -stock_delta},
                current=locked.stock,
            )
        if locked.stock + stock_delta > MAX_STOCK:
            raise DomainError(
                _("The stock is %(stock)d: adding %(delta)d would pass the most a product can hold (%(most)d).")
                % {"stock": locked.stock, "delta": stock_delta, "most": MAX_STOCK},
                field="stock_delta",
            )
        changes["stock"] = locked.stock + stock_delta
        return
    if "stock" not in changes:
        return
    wanted = changes["stock"]
    if wanted == locked.stock or (expected_stock is not None and wanted == expected_stock):
        changes.pop("stock")  # no change the seller meant: the stock stays what buyers left
    elif expected_stock is None:
        raise DomainError(
            _(
                "The stock is %(stock)d now. Send expected_stock (the figure you last read) with stock, "
                "or change it by stock_delta, so that orders placed meanwhile are not undone."
            )
            % {"stock": locked.stock},
            field="stock",
        )
    elif expected_stock != locked.stock:
        raise StaleStock(stale_stock_message(expected_stock, locked.stock), current=locked.stock)


@transaction.atomic
def update_product(
    product: Product, *, by, expected_stock: int | None = None, stock_delta: int | None = None, **changes
) -> Product:
    """Change some fields of a product. The row is locked and only the fields named are written,
    so nothing else (stock taken by a checkout, a rating) is put back as it was when read."""
    ensure_can_manage(by, product)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "is_featured" in changes and not by.is_staff:
        changes.pop("is_featured")
    locked = Product.objects.select_for_update().get(pk=product.pk)
    _stock_change(locked, changes, expected_stock, stock_delta)
    _check_values(changes.get("price"), changes.get("stock"))
    for name, value in changes.items():
        setattr(locked, name, value)
    if "title" in changes:
        locked.slug = slug_for(locked.title)[:220]
    locked.save(update_fields=[*changes, "slug", "updated_at"] if changes else ["updated_at"])
    for name in (*changes, "slug", "stock", "updated_at"):
        setattr(product, name, getattr(locked, name))
    _reindex(product)
    events.record("product_updated", user=by, product_id=product.pk, changed=sorted(changes), price=product.price)
    return product


def _reindex(product: Product) -> None:
    """The product's document, and its comments' (they carry its title, and vanish with it)."""
    enqueue(SearchQueueEntry.Kind.PRODUCT, [product.pk])
    enqueue(SearchQueueEntry.Kind.COMMENT, product.reviews.values_list("pk", flat=True))


def deactivate_product(product: Product, *, by) -> Product:
    """Take a product off sale; it stays in order history."""
    return update_product(product, by=by, is_active=False)


@transaction.atomic
def delete_product(product: Product, *, by) -> None:
    """Delete a product and, once that is committed, its images' objects; order lines keep their copies."""
    ensure_can_manage(by, product)
    keys = [key for image in product.images.all() for key in image.keys]
    _reindex(product)
    product.delete()
    transaction.on_commit(lambda: _delete_objects(keys))


def add_product_image(product: Product, *, by, upload, alt_text: str = "") -> ProductImage:
    """Store an image and its thumbnails, then record it; a failure at any step leaves neither row nor object.

    The first image of a product becomes its primary image.
    """
    ensure_can_manage(by, product)
    prepared = prepare_image(upload)
    stem = f"products/{product.pk}/{uuid.uuid4().hex}"
    stored: list[str] = []
    try:
        original = _store(f"{stem}.{prepared.extension}", prepared.data, prepared.content_type, stored)
        thumbnails = {
            str(width): _store(f"{stem}_w{width}.{prepared.extension}", data, prepared.content_type, stored)
            for width, data in prepared.thumbnails.items()
        }
        with transaction.atomic():
            locked = Product.objects.select_for_update().get(pk=product.pk)
            existing = locked.images.aggregate(last=Max("position"), primaries=Count("id", filter=Q(is_primary=True)))
            product_pages.changed([product.pk])
            return ProductImage.objects.create(
                product=locked,
                image=original,
                thumbnails=thumbnails,
                width=prepared.width,
                height=prepared.height,
                alt_text=alt_text[:200],
                position=(existing["last"] or 0) + 1,
                is_primary=not existing["primaries"],
            )
    except Exception:
        _delete_objects(stored)
        raise


def _store(key: str, data: bytes, content_type: str, stored: list[str]) -> str:
    content = ContentFile(data, name=key)
    content.content_type = content_type
    name = default_storage.save(key, content)
    stored.append(name)
    return name


def _delete_objects(keys: list[str]) -> None:
    """Best effort: an object left behind costs storage, never correctness."""
    for key in keys:
        try:
            default_storage.delete(key)
        except Exception:
            logger.warning("could not delete stored object %s", key, exc_info=True)


@transaction.atomic
def update_product_image(image: ProductImage, *, by, alt_text=None, position=None, is_primary=None) -> ProductImage:
    ensure_can_manage(by, image.product)
    if is_primary:
        ProductImage.objects.filter(product_id=image.product_id, is_primary=True).exclude(pk=image.pk).update(
            is_primary=False
        )
        image.is_primary = True
    if alt_text is not None:
        image.alt_text = alt_text[:200]
    if position is not None:
        image.position = position
    image.save()
    product_pages.changed([image.product_id])
    return image


@transaction.atomic
def delete_product_image(image: ProductImage, *, by) -> None:
    """Remove an image (its objects go once that is committed); the next one becomes primary."""
    ensure_can_manage(by, image.product)
    keys, product_id, was_primary = image.keys, image.product_id, image.is_primary
    image.delete()
    product_pages.changed([product_id])
    if was_primary:
        successor = ProductImage.objects.filter(product_id=product_id).order_by("position", "id").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    transaction.on_commit(lambda: _delete_objects(keys))


@transaction.atomic
def save_product(product: Product, *, by, expected_stock: int | None = None) -> Product:
    """Save a product edited as a whole, as the back-office form does.

    The owner is checked against the stored row, so a form cannot move a product
    to another seller; sellers always own what they create. The stock follows
    update_product's rule (`expected_stock`: the figure the form showed), and the
    rating, which reviews keep, is never written from the form.
    """
    created = product.pk is None
    if created:
        ensure_can_sell(by)
        if not (by.is_staff and product.seller_id):
            product.seller = by
        if not by.is_staff:
            product.is_featured = False
    else:
        stored = Product.objects.select_for_update().get(pk=product.pk)
        ensure_can_manage(by, stored)
        if not by.is_staff:  # only staff move products between sellers or feature them
            product.seller_id, product.is_featured = stored.seller_id, stored.is_featured
        changes = {"stock": product.stock}
        _stock_change(stored, changes, expected_stock if expected_stock is not None else stored.stock, None)
        product.stock = changes.get("stock", stored.stock)
    _check_values(product.price, product.stock)
    product.slug = slug_for(product.title)[:220]
    if created:
        product.save()
    else:
        product.save(update_fields=[*BACK_OFFICE_FIELDS, "slug", "updated_at"])
    _reindex(product)
    if created:
        _record_created(product, by)
    else:
        events.record("product_updated", user=by, product_id=product.pk, changed=["back-office"], price=product.price)
    return product


def record_view(product: Product, *, user, session_key: str = "") -> None:
    """A shopper opened the product (the analytics funnel starts here)."""
    events.record(
        "product_viewed",
        user=user,
        session_key=session_key,
        product_id=product.pk,
        seller_id=product.seller_id,
        category_id=product.category_id,
    )


def record_search(*, q: str, kind: str, results: int, user, session_key: str = "") -> None:
    events.record("search_performed", user=user, session_key=session_key, q=q[:200], type=kind, results=results)


@transaction.atomic
def save_category(category: Category) -> Category:
    """Save a category; the products under it carry its name and path in their search documents."""
    category.save()
    forget("categories")
    ids = selectors.category_with_descendants(category.pk, fresh=True) or [category.pk]
    enqueue(SearchQueueEntry.Kind.PRODUCT, Product.objects.filter(category_id__in=ids).values_list("pk", flat=True))
    return category


def ensure_can_edit_categories(user) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise Forbidden(_("Only staff may create, change or delete categories."))


def _unique_category_slug(name: str, *, exclude: int | None = None) -> str:
    base = slug_for(name)[:130] or "category"
    slug, n = base, 2
    while Category.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_category(category: Category) -> None:
    """A name is unique among its siblings, and a category never sits under itself."""
    node = category.parent
    while node is not None:
        if category.pk is not None and node.pk == category.pk:
            raise DomainError(
                _("A category cannot sit under itself or under one of its sub-categories."), field="parent"
            )
        node = node.parent
    siblings = Category.objects.filter(parent=category.parent, name__iexact=category.name).exclude(pk=category.pk)
    if siblings.exists():
        raise Conflict(_("There is already a category named “%(name)s” here.") % {"name": category.name}, field="name")


def _replace_translations(category: Category, translations: list[dict]) -> None:
    """Make `translations` ({language, name, description}) the category's whole set: languages
    left out lose theirs, so the category falls back to its own name there."""
    languages = [entry["language"] for entry in translations]
    if len(set(languages)) != len(languages):
        raise DomainError(_("Give each language once."), field="translations")
    for entry in translations:
        if entry["language"] == settings.LANGUAGE_CODE:
            raise DomainError(
                _(
                    "%(language)s is the shop's own language: the category's name and description are in it. "
                    "Give translations for the other languages."
                )
                % {"language": entry["language"]},
                field="translations",
            )
        if not entry.get("name", "").strip():
            raise DomainError(_("A translation needs a name."), field="translations")
    category.translations.exclude(language__in=languages).delete()
    for entry in translations:
        CategoryTranslation.objects.update_or_create(
            category=category,
            language=entry["language"],
            defaults={"name": entry["name"].strip(), "description": entry.get("description", "")},
        )


@transaction.atomic
def create_category(
    *,
    by,
    name: str,
    parent: Category | None = None,
    description: str = "",
    slug: str = "",
    translations: list[dict] | None = None,
) -> Category:
    """A new category (staff only); its slug comes from its name unless one is given. `translations`
    name and describe it in the shop's other languages."""
    ensure_can_edit_categories(by)
    category = Category(name=name.strip(), parent=parent, description=description)
    _check_category(category)
    if slug and Category.objects.filter(slug=slug).exists():
        raise Conflict(_("The slug “%(slug)s” is taken.") % {"slug": slug}, field="slug")
    category.slug = slug or _unique_category_slug(f"{parent.name}-{name}" if parent else name)
    save_category(category)  # its products' documents are refreshed after the commit, translations included
    if translations:
        _replace_translations(category, translations)
    return category


@transaction.atomic
def update_category(category: Category, *, by, **changes) -> Category:
    """Rename, move or describe a category (staff only), in its own language or (`translations`,
    the whole set) in the others; its products' search documents follow."""
    ensure_can_edit_categories(by)
    category = Category.objects.select_for_update().get(pk=category.pk)
    for field in ("name", "parent", "description", "slug"):
        if field in changes:
            setattr(category, field, changes[field].strip() if field == "name" else changes[field])
    _check_category(category)
    if "slug" in changes and Category.objects.filter(slug=category.slug).exclude(pk=category.pk).exists():
        raise Conflict(_("The slug “%(slug)s” is taken.") % {"slug": category.slug}, field="slug")
    save_category(category)
    if "translations" in changes:
        _replace_translations(category, changes["translations"])
    return category


@transaction.atomic
def delete_category(category: Category, *, by) -> None:
    """Delete an empty category (staff only): one with products or sub-categories is refused."""
    ensure_can_edit_categories(by)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.products.exists():
        raise Conflict(
            _("%(name)s still has products: move them to another category first.") % {"name": category.label}
        )
    if category.children.exists():
        raise Conflict(_("%(name)s has sub-categories: delete or move them first.") % {"name": category.label})
    category.delete()
    forget("categories")
