"""Reads for the catalogue. Lists run a fixed number of queries whatever their size."""

import functools
from operator import attrgetter

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import SellerProfile
from accounts.selectors import public_shops
from catalog.models import Category, CategoryTranslation, Product, ProductImage
from shop.fixed_queries import FixedQuery
from shop.shared_reads import shared_read

# Public sort keys, as clients and the storefront name them, and what they mean.
PRODUCT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "rating": ("-rating_average", "-rating_count", "-id"),
    "title": ("title", "id"),
}
DEFAULT_PRODUCT_ORDERING = "newest"
FEATURED_ORDERING = ("-rating_average", "-id")  # the home page's featured shelf: the best rated first
ORDERING_CHOICES = [
    ("newest", _("Newest")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("rating", _("Best rated")),
    ("title", _("Title")),
    ("oldest", _("Oldest")),
]


def _with_card_data(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card or an API item shows: its category, its shop's name, its images.

    The category is joined (Django leaves select_related out of the page's COUNT);
    the shop's name is a correlated subquery, so neither the seller's user row nor
    their profile is built per product; the images come in the same query, as `image_list`.
    """
    return queryset.select_related("category").annotate(shop_name_value=shop_name_subquery()).with_images()


@functools.cache
def shop_name_subquery() -> Subquery:
    """The shop's name while its seller is active: a shop staff switched off is not named (its
    products left on sale show the marketplace's name). Built once: expressions are copied when
    a queryset resolves them, never changed in place."""
    shops = SellerProfile.objects.filter(user_id=OuterRef("seller_id"), user__is_active=True)
    return Subquery(shops.values("shop_name")[:1])


def with_seller_details(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """For one product's page, which links to the seller's shop."""
    return queryset.select_related("seller__seller_profile")


def visible_products() -> QuerySet[Product]:
    """What shoppers may see: products on sale, with everything a card shows."""
    return _visible_products_template().all()


def all_products() -> QuerySet[Product]:
    """Every product, including those taken off sale (for owners and staff)."""
    return _all_products_template().all()


@functools.cache
def _visible_products_template() -> QuerySet[Product]:
    """Built once and never evaluated: callers get clones (`.all()`), which skip
    resolving the joins and the subquery again on every request."""
    return _with_card_data(Product.objects.filter(is_active=True))


@functools.cache
def _all_products_template() -> QuerySet[Product]:
    return _with_card_data(Product.objects.all())


def products_for_viewer(user) -> QuerySet[Product]:
    """Shoppers see what is on sale; a seller also sees their own inactive products; staff see all."""
    if user.is_authenticated and user.is_staff:
        return all_products()
    if user.is_authenticated and getattr(user, "is_seller", False):
        return _with_card_data(Product.objects.filter(Q(is_active=True) | Q(seller=user)))
    return visible_products()


def images_of(product: Product) -> QuerySet[ProductImage]:
    """The product's images: the only ones a request about that product may touch."""
    return ProductImage.objects.select_related("product").filter(product=product)


def order_products(queryset: QuerySet[Product], ordering: str | None) -> QuerySet[Product]:
    return queryset.order_by(*PRODUCT_ORDERINGS.get(ordering or DEFAULT_PRODUCT_ORDERING, PRODUCT_ORDERINGS["newest"]))


def category_with_descendants(category_id: int, *, fresh: bool = False) -> list[int] | None:
    """The category's id and every id below it; None if unknown. `fresh` reads the tree from the
    database, not the shared copy (a service inside the transaction that changes the tree)."""
    children = None if fresh else _category_children()
    if children is None or category_id not in children:  # asked fresh, newer than the copy, or unknown
        children = _read_category_children()
    if category_id not in children:
        return None
    found, frontier = [], [category_id]
    while frontier:
        current = frontier.pop()
        found.append(current)
        frontier.extend(children[current])
    return found


def _read_category_children() -> dict[int, list[int]]:
    """Every category's id → its children's ids, from the database (the tree is small)."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("id", "parent_id"):
        children.setdefault(pk, [])
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    return children


# Each list filtered by a category would read the tree again: shared, and dropped when staff change it.
_category_children = shared_read(topics=("categories",))(_read_category_children)


def named_categories() -> QuerySet[Category]:
    """Categories with their translations, for a list or dropdown that names each in the page's
    language (`label`) without a query per category."""
    return Category.objects.prefetch_related("translations")


@shared_read(topics=("categories",))
def category_tree() -> list[Category]:
    """Root categories with their children and every translation prefetched."""
    return list(Category.objects.filter(parent__isnull=True).prefetch_related("translations", "children__translations"))


def category_labels(ids: list[int] | None = None, language: str | None = None) -> dict[int, str]:
    """Category names in `language` (the active one by default), by id: a missing translation falls
    back to the shop's own name. Read from every category's labels, kept per language until the
    categories change (a search's facets and the filter form ask on each request)."""
    with translation.override(language or get_language() or settings.LANGUAGE_CODE):
        labels = _every_category_label()
    return labels if ids is None else {pk: labels[pk] for pk in ids if pk in labels}


@shared_read(topics=("categories",))
def _every_category_label() -> dict[int, str]:
    language = get_language() or settings.LANGUAGE_CODE
    names = dict(Category.objects.values_list("pk", "name"))
    if language != settings.LANGUAGE_CODE and names:
        translated = CategoryTranslation.objects.filter(language=language).exclude(name="")
        names.update(translated.values_list("category_id", "name"))
    return names


def featured_products(limit: int = 8) -> list[Product]:
    return list(_featured(visible_products())[:limit])


def _featured(queryset: QuerySet[Product]) -> QuerySet[Product]:
    return queryset.filter(is_featured=True).order_by(*FEATURED_ORDERING)


def newest_products(limit: int = 8) -> list[Product]:
    return list(order_products(visible_products(), "newest")[:limit])


def home_products(limit: int = 8) -> tuple[list[Product], list[Product]]:
    """The home page's featured and newest products with their images: one query where the
    database takes two limited, ordered queries in one UNION ALL (PostgreSQL), two elsewhere; their
    SQL built once per process (shop.fixed_queries), as the shelves never change but for the limit.

    A union's rows come in no promised order, so each shelf is put back in its own."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return _featured_rows(limit), _newest_rows(limit)
    shelves: tuple[list[Product], list[Product]] = ([], [])
    for row in _both_shelves(limit):
        shelves[row.__dict__.pop("shelf")].append(row)  # the card is the same on either shelf
    return _in_order(shelves[0], FEATURED_ORDERING), _in_order(shelves[1], PRODUCT_ORDERINGS["newest"])


_featured_rows = FixedQuery(lambda limit: _featured_shelf()[:limit])
_newest_rows = FixedQuery(lambda limit: _newest_shelf()[:limit])
_both_shelves = FixedQuery(
    lambda limit: (
        _featured_shelf()
        .annotate(shelf=Value(0))[:limit]
        .union(_newest_shelf().annotate(shelf=Value(1))[:limit], all=True)
    )
)


def _in_order(products: list[Product], ordering: tuple[str, ...]) -> list[Product]:
    """`products` sorted as ORDER BY `ordering` would (fields, "-" for descending)."""
    for name in reversed(ordering):  # a stable sort, least significant key first
        products.sort(key=attrgetter(name.lstrip("-")), reverse=name.startswith("-"))
    return products


# The home shelves' querysets, filtered and ordered once (the FixedQuery objects above build their
# SQL from them): filtering and ordering the annotated queryset again cost a millisecond a page.
@functools.cache
def _featured_shelf() -> QuerySet[Product]:
    return _featured(_visible_products_template())


@functools.cache
def _newest_shelf() -> QuerySet[Product]:
    return order_products(_visible_products_template(), "newest")


def seller_products(seller, *, include_inactive: bool = False) -> QuerySet[Product]:
    base = all_products() if include_inactive else visible_products()
    return base.filter(seller=seller)


@shared_read(topics=("categories", "shops"))
def filter_options() -> dict:
    """The choices of the catalogue's filter form, read as plain values (two small queries)."""
    parents = dict(Category.objects.values_list("id", "parent_id"))
    names = category_labels()
    categories = [
        {"id": pk, "label": f"{names[parent_id]} › {names[pk]}" if parent_id in names else names[pk]}
        for pk, parent_id in parents.items()
    ]
    shops = [
        {"id": user_id, "name": name}
        for user_id, name in public_shops().order_by("shop_name").values_list("user_id", "shop_name")
    ]
    return {
        "categories": sorted(categories, key=lambda category: category["label"].casefold()),
        "shops": shops,
        "orderings": ORDERING_CHOICES,
    }
