"""Search answered from the database, when no engine is configured or it does not answer.

Same shapes as the engine, fewer features: PostgreSQL full-text search where the database is
PostgreSQL (English and Russian stemming, ranking; when no word matches, trigram similarity finds
the nearest titles, so a typo in either alphabet still finds something), word matching elsewhere.
"""

from functools import reduce
from operator import and_

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.selectors import public_shops
from catalog import selectors
from catalog.models import Product, SearchQueueEntry
from catalog.search.results import PRICE_RANGES, SearchPage, SearchParams, mark, price_label, stars
from reviews.models import Review

Kind = SearchQueueEntry.Kind


def _words(q: str) -> list[str]:
    return [word for word in q.split() if word][:10]


def _matching(queryset: QuerySet, q: str, fields: list[str], weights: str = "ABCD") -> QuerySet:
    """Rows matching every word of `q`, best first."""
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = reduce(
            lambda a, b: a + b,
            [
                SearchVector(name, weight=weights[i], config=config)
                for i, name in enumerate(fields)
                for config in TEXT_SEARCH_CONFIGS
            ],
        )
        query = reduce(
            lambda a, b: a | b, [SearchQuery(q, search_type="websearch", config=c) for c in TEXT_SEARCH_CONFIGS]
        )
        matching = queryset.annotate(search_document=vector).filter(search_document=query)  # every word: @@
        ranked = matching.annotate(search_rank=SearchRank(vector, query)).order_by("-search_rank")
        if ranked.exists():
            return ranked
        return _similar(queryset, q, fields[0])
    conditions = [
        reduce(lambda a, b: a | b, [Q(**{f"{name}__icontains": word}) for name in fields]) for word in _words(q)
    ]
    return queryset.filter(reduce(and_, conditions))


# Each text is analysed in English and in Russian ("чайники" finds "чайник", "kettles" finds "kettle").
TEXT_SEARCH_CONFIGS = ("english", "russian")
# How like a word of the text a query must be to count as a typo of it (pg_trgm's word_similarity).
TYPO_SIMILARITY = 0.45


def _similar(queryset: QuerySet, q: str, field: str) -> QuerySet:
    """Rows whose `field` holds something close to `q` (a typo: "чайнек", "ketle"), nearest first."""
    from django.contrib.postgres.search import TrigramWordSimilarity

    return (
        queryset.annotate(search_rank=TrigramWordSimilarity(q, field))
        .filter(search_rank__gte=TYPO_SIMILARITY)
        .order_by("-search_rank")
    )


def _page(queryset: QuerySet, params: SearchParams) -> tuple[int, list]:
    return queryset.count(), list(queryset[params.offset : params.offset + params.page_size])


def search(params: SearchParams) -> SearchPage:
    if params.type == Kind.SELLER:
        return _sellers(params)
    if params.type == Kind.COMMENT:
        return _comments(params)
    return _products(params)


def _filtered_products(params: SearchParams) -> QuerySet[Product]:
    queryset = Product.objects.filter(is_active=True)
    if params.category is not None:
        queryset = queryset.filter(category_id__in=selectors.category_with_descendants(params.category) or [])
    if params.seller is not None:
        queryset = queryset.filter(seller_id=params.seller)
    if params.min_price is not None:
        queryset = queryset.filter(price__gte=params.min_price)
    if params.max_price is not None:
        queryset = queryset.filter(price__lte=params.max_price)
    if params.in_stock is not None:
        queryset = queryset.filter(stock__gt=0) if params.in_stock else queryset.filter(stock=0)
    return queryset


def _products(params: SearchParams) -> SearchPage:
    filtered = _filtered_products(params)
    matched = _matching(filtered, params.q, ["title", "description"])
    if not params.q:
        matched = matched.order_by("-created_at", "-id")
    count, rows = _page(
        matched.select_related("category").annotate(shop_name_value=selectors.shop_name_subquery()), params
    )
    results = [
        {
            "id": product.pk,
            "type": "product",
            "title": product.title,
            "highlight": mark(product.title, params.q),
            "score": float(getattr(product, "search_rank", 0) or 0) or None,
            "price": f"{product.price:.2f}",
            "in_stock": product.stock > 0,
            "category": product.category_id,
            "seller": product.seller_id,
            "seller_name": product.shop_name,
            "rating": float(product.rating_average),
            "url": f"/products/{product.pk}/",
        }
        for product in rows
    ]
    return SearchPage(count=count, results=results, facets=_product_facets(matched))


def _product_facets(matched: QuerySet[Product]) -> dict[str, list[dict]]:
    base = matched.order_by()
    categories = list(base.values("category_id").annotate(n=Count("id")).order_by("-n")[:30])
    names = selectors.category_labels([row["category_id"] for row in categories])
    sellers = base.values("seller_id").annotate(n=Count("id")).order_by("-n")[:30]
    shops = dict(
        public_shops().filter(user_id__in=[row["seller_id"] for row in sellers]).values_list("user_id", "shop_name")
    )
    price_counts = base.aggregate(
        **{
            key: Count(
                "id",
                filter=Q(**({"price__gte": low} if low is not None else {}), **({"price__lt": high} if high else {})),
            )
            for key, low, high in PRICE_RANGES
        },
        in_stock=Count("id", filter=Q(stock__gt=0)),
        sold_out=Count("id", filter=Q(stock=0)),
    )
    return {
        "category": [
            {"value": row["category_id"], "label": names.get(row["category_id"], ""), "count": row["n"]}
            for row in categories
        ],
        "seller": [
            {"value": row["seller_id"], "label": shops.get(row["seller_id"], str(row["seller_id"])), "count": row["n"]}
            for row in sellers
        ],
        "in_stock": [
            facet
            for facet in (
                {"value": True, "label": _("In stock"), "count": price_counts["in_stock"]},
                {"value": False, "label": _("Sold out"), "count": price_counts["sold_out"]},
            )
            if facet["count"]
        ],
        "price": [
            {"value": key, "label": price_label(low, high), "count": price_counts[key]}
            for key, low, high in PRICE_RANGES
            if price_counts[key]
        ],
    }


def _price_between(low, high) -> Q:
    bounds = Q()
    if low is not None:
        bounds &= Q(price__gte=low)
    if high is not None:
        bounds &= Q(price__lt=high)
    return bounds


def _sellers(params: SearchParams) -> SearchPage:
    matched = _matching(public_shops(), params.q, ["shop_name", "description"])
    if not params.q:
        matched = matched.order_by("shop_name")
    count, rows = _page(matched, params)
    results = [
        {
            "id": profile.pk,
            "type": "seller",
            "title": profile.shop_name,
            "highlight": mark(profile.shop_name, params.q),
            "score": None,
            "slug": profile.slug,
            "url": f"/sellers/{profile.slug}/",
        }
        for profile in rows
    ]
    return SearchPage(count=count, results=results)


def _comments(params: SearchParams) -> SearchPage:
    base = Review.objects.filter(is_hidden=False, product__is_active=True).select_related("product", "author")
    matched = _matching(base, params.q, ["text", "product__title"])
    if not params.q:
        matched = matched.order_by("-created_at", "-id")
    count, rows = _page(matched, params)
    ratings = matched.order_by().values("rating").annotate(n=Count("id")).order_by("-rating")
    results = [
        {
            "id": review.pk,
            "type": "comment",
            "title": review.product.title,
            "highlight": mark(review.text[:160], params.q) if review.text else escape(review.product.title),
            "score": None,
            "product": review.product_id,
            "rating": review.rating,
            "author_name": review.author.display_name,
            "url": f"/products/{review.product_id}/#reviews",
        }
        for review in rows
    ]
    facets = {"rating": [{"value": row["rating"], "label": stars(row["rating"]), "count": row["n"]} for row in ratings]}
    return SearchPage(count=count, results=results, facets=facets)


def suggest(q: str, limit: int = 8) -> list[dict]:
    products = Product.objects.filter(is_active=True, title__istartswith=q).order_by("title")[:limit]
    if len(products) < limit:
        more = Product.objects.filter(is_active=True, title__icontains=q).exclude(title__istartswith=q)
        products = [*products, *more.order_by("title")[: limit - len(products)]]
    shops = public_shops().filter(shop_name__icontains=q).order_by("shop_name")[:3]
    return [{"id": p.pk, "type": "product", "title": p.title} for p in products] + [
        {"id": s.pk, "type": "seller", "title": s.shop_name} for s in shops
    ]
