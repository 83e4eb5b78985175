"""Search documents: the index definitions and how products, sellers and comments become documents.

Only what shoppers may find is indexed: products on sale, sellers with a shop,
reviews not hidden. Anything else is removed from the index.
"""

from collections.abc import Iterable, Iterator

from accounts.models import SellerProfile
from accounts.selectors import public_shops
from catalog.models import Category, CategoryTranslation, Product, SearchQueueEntry
from reviews.models import Review

Kind = SearchQueueEntry.Kind

_KEYWORD = {"type": "keyword"}
# Text is analysed twice: in English, and in Russian as `<field>.ru` (stemming: "чайники" finds
# "чайник"); queries search both, with typo tolerance in either alphabet.
_RUSSIAN = {"type": "text", "analyzer": "russian"}
_TEXT = {"type": "text", "analyzer": "english", "fields": {"ru": _RUSSIAN}}
_TEXT_AND_RAW = {"type": "text", "analyzer": "english", "fields": {"ru": _RUSSIAN, "raw": _KEYWORD}}

SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"}


def index_settings() -> dict:
    """A new index's settings: SEARCH_REPLICAS copies of its shard besides the primary (1 on a
    two-node cluster, so either node answers every search alone)."""
    from django.conf import settings

    return {**SETTINGS, "number_of_replicas": settings.SEARCH_REPLICAS}


MAPPINGS: dict[str, dict] = {
    Kind.PRODUCT: {
        "properties": {
            "title": _TEXT_AND_RAW,
            "suggest": {"type": "search_as_you_type"},
            "description": _TEXT,
            "category_id": {"type": "integer"},
            "category_ids": {"type": "integer"},
            "category_name": _KEYWORD,
            "category_facet": _KEYWORD,  # "id|name": facets carry their labels, no lookup needed
            "category_path": _TEXT,
            "seller_id": {"type": "integer"},
            "seller_name": _TEXT_AND_RAW,
            "seller_facet": _KEYWORD,
            "price": {"type": "scaled_float", "scaling_factor": 100},
            "rating": {"type": "float"},
            "rating_count": {"type": "integer"},
            "in_stock": {"type": "boolean"},
            "created_at": {"type": "date"},
        }
    },
    Kind.SELLER: {
        "properties": {
            "name": _TEXT_AND_RAW,
            "suggest": {"type": "search_as_you_type"},
            "description": _TEXT,
            "slug": _KEYWORD,
            "user_id": {"type": "integer"},
        }
    },
    Kind.COMMENT: {
        "properties": {
            "text": _TEXT,
            "rating": {"type": "integer"},
            "product_id": {"type": "integer"},
            "product_title": _TEXT_AND_RAW,
            "author_name": _KEYWORD,
            "verified_purchase": {"type": "boolean"},
            "created_at": {"type": "date"},
        }
    },
}


class CategoryPaths:
    """Every category's path and ancestry, read once for a whole batch (the tree is small)."""

    def __init__(self):
        rows = {pk: (name, parent) for pk, name, parent in Category.objects.values_list("id", "name", "parent_id")}
        self._rows = rows
        self._other_names: dict[int, list[str]] = {}
        for pk, name in CategoryTranslation.objects.exclude(name="").values_list("category_id", "name"):
            self._other_names.setdefault(pk, []).append(name)

    def chain(self, category_id: int) -> list[int]:
        chain, current = [], category_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self._rows.get(current, ("", None))[1]
        return list(reversed(chain))

    def path(self, category_id: int) -> str:
        """The path in the shop's own language, then the names in every other language, so a search
        in any of them finds the category's products."""
        chain = [pk for pk in self.chain(category_id) if pk in self._rows]
        own = " / ".join(self._rows[pk][0] for pk in chain)
        others = [name for pk in chain for name in self._other_names.get(pk, [])]
        return " / ".join([own, *others]) if others else own


def product_document(product: Product, paths: CategoryPaths) -> dict:
    return {
        "title": product.title,
        "suggest": product.title,
        "description": product.description,
        "category_id": product.category_id,
        "category_ids": paths.chain(product.category_id),
        "category_name": product.category.name,
        "category_path": paths.path(product.category_id),
        "seller_id": product.seller_id,
        "seller_name": product.shop_name,
        "category_facet": f"{product.category_id}|{product.category.name}",
        "seller_facet": f"{product.seller_id}|{product.shop_name}",
        "price": float(product.price),
        "rating": float(product.rating_average),
        "rating_count": product.rating_count,
        "in_stock": product.stock > 0,
        "created_at": product.created_at.isoformat(),
    }


def seller_document(profile: SellerProfile) -> dict:
    return {
        "name": profile.shop_name,
        "suggest": profile.shop_name,
        "description": profile.description,
        "slug": profile.slug,
        "user_id": profile.user_id,
    }


def comment_document(review: Review) -> dict:
    return {
        "text": review.text,
        "rating": review.rating,
        "product_id": review.product_id,
        "product_title": review.product.title,
        "author_name": review.author.display_name,
        "verified_purchase": review.is_verified_purchase,
        "created_at": review.created_at.isoformat(),
    }


def _products(ids: Iterable[int] | None):
    queryset = Product.objects.filter(is_active=True).select_related("category", "seller__seller_profile")
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


def _sellers(ids: Iterable[int] | None):
    queryset = public_shops()
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


def _comments(ids: Iterable[int] | None):
    queryset = Review.objects.filter(is_hidden=False, product__is_active=True).select_related("product", "author")
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


def documents(kind: str, ids: Iterable[int] | None = None) -> Iterator[tuple[int, dict]]:
    """(id, document) for every indexable object of `kind` (all of them when `ids` is None)."""
    if kind == Kind.PRODUCT:
        paths = CategoryPaths()
        for product in _products(ids).order_by("pk").iterator(chunk_size=1000):
            yield product.pk, product_document(product, paths)
    elif kind == Kind.SELLER:
        for profile in _sellers(ids).order_by("pk").iterator(chunk_size=1000):
            yield profile.pk, seller_document(profile)
    elif kind == Kind.COMMENT:
        for review in _comments(ids).order_by("pk").iterator(chunk_size=1000):
            yield review.pk, comment_document(review)
    else:
        raise ValueError(f"unknown search document kind {kind!r}")


def count(kind: str) -> int:
    return {Kind.PRODUCT: _products, Kind.SELLER: _sellers, Kind.COMMENT: _comments}[kind](None).count()
