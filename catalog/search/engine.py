"""Search and suggestions answered by the search engine: relevance, typo tolerance, facets, highlights."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from catalog.models import SearchQueueEntry
from catalog.search import answers
from catalog.search.results import PRICE_RANGES, SearchPage, SearchParams, price_label, stars
from catalog.selectors import category_labels
from shop import search_engine

Kind = SearchQueueEntry.Kind

HIGHLIGHT = {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"]}
SEARCH_FIELDS = {
    Kind.PRODUCT: [
        "title^3",
        "title.ru^3",
        "seller_name^2",
        "seller_name.ru^2",
        "category_path^2",
        "category_path.ru^2",
        "description",
        "description.ru",
    ],
    Kind.SELLER: ["name^3", "name.ru^3", "description", "description.ru"],
    Kind.COMMENT: ["text^2", "text.ru^2", "product_title", "product_title.ru"],
}
NEWEST = {Kind.PRODUCT: "created_at", Kind.SELLER: "_doc", Kind.COMMENT: "created_at"}


def _text_query(params: SearchParams) -> dict:
    if not params.q:
        return {"match_all": {}}
    return {
        "multi_match": {
            "query": params.q,
            "fields": SEARCH_FIELDS[params.type],
            "fuzziness": "AUTO",
            "prefix_length": 1,
            "operator": "and",
        }
    }


def _product_filters(params: SearchParams) -> list[dict]:
    filters = []
    if params.category is not None:
        filters.append({"term": {"category_ids": params.category}})
    if params.seller is not None:
        filters.append({"term": {"seller_id": params.seller}})
    if params.min_price is not None or params.max_price is not None:
        bounds = {}
        if params.min_price is not None:
            bounds["gte"] = float(params.min_price)
        if params.max_price is not None:
            bounds["lte"] = float(params.max_price)
        filters.append({"range": {"price": bounds}})
    if params.in_stock is not None:
        filters.append({"term": {"in_stock": params.in_stock}})
    return filters


def _price_range(key: str, low, high) -> dict:
    bounds: dict = {"key": key}
    if low is not None:
        bounds["from"] = float(low)
    if high is not None:
        bounds["to"] = float(high)
    return bounds


PRODUCT_AGGREGATIONS = {
    "category": {"terms": {"field": "category_facet", "size": 30}},
    "seller": {"terms": {"field": "seller_facet", "size": 30}},
    "in_stock": {"terms": {"field": "in_stock"}},
    "price": {
        "range": {
            "field": "price",
            "keyed": True,
            "ranges": [
                {
                    "key": key,
                    **({"from": float(low)} if low is not None else {}),
                    **({"to": float(high)} if high else {}),
                }
                for key, low, high in PRICE_RANGES
            ],
        }
    },
}
COMMENT_AGGREGATIONS = {"rating": {"terms": {"field": "rating", "size": 5}}}


def request_body(params: SearchParams) -> dict:
    """The query sent to the engine (the benchmark sends the same one straight to it)."""
    body: dict = {
        "query": {"bool": {"must": [_text_query(params)]}},
        "from": params.offset,
        "size": params.page_size,
        "track_total_hits": True,
        "highlight": {**HIGHLIGHT, "fields": _highlight_fields(params.type)},
        "sort": ["_score", {NEWEST[params.type]: "desc"}] if params.q else [{NEWEST[params.type]: "desc"}],
    }
    if params.type == Kind.PRODUCT:
        body["query"]["bool"]["filter"] = _product_filters(params)
        body["aggs"] = PRODUCT_AGGREGATIONS
    elif params.type == Kind.COMMENT:
        body["aggs"] = COMMENT_AGGREGATIONS
    return body


def search(params: SearchParams) -> SearchPage:
    """The engine's answer, from the cache while the index has not changed since it was asked."""
    index, body = search_engine.index_name(params.type), request_body(params)
    return answers.kept(index, body, lambda: _search(params, index, body))


def _search(params: SearchParams, index: str, body: dict) -> SearchPage:
    answer = search_engine.client().search(index=index, body=body)
    hits = [_hit(params.type, hit) for hit in answer["hits"]["hits"]]
    return SearchPage(
        count=answer["hits"]["total"]["value"],
        results=hits,
        facets=_facets(params.type, answer.get("aggregations", {})),
        engine="search",
    )


def _highlight_fields(kind: str) -> dict:
    return {
        Kind.PRODUCT: {
            "title": {"number_of_fragments": 0},
            "title.ru": {"number_of_fragments": 0},
            "description": {"fragment_size": 140},
            "description.ru": {"fragment_size": 140},
        },
        Kind.SELLER: {
            "name": {"number_of_fragments": 0},
            "name.ru": {"number_of_fragments": 0},
            "description": {"fragment_size": 140},
            "description.ru": {"fragment_size": 140},
        },
        Kind.COMMENT: {
            "text": {"fragment_size": 160},
            "text.ru": {"fragment_size": 160},
            "product_title": {"number_of_fragments": 0},
            "product_title.ru": {"number_of_fragments": 0},
        },
    }[kind]


def _first(highlight: dict, *fields: str) -> str:
    for name in fields:
        if highlight.get(name):
            return " … ".join(highlight[name])
    return ""


def _hit(kind: str, hit: dict) -> dict:
    source, highlight, pk = hit["_source"], hit.get("highlight", {}), int(hit["_id"])
    score = hit.get("_score")
    if kind == Kind.PRODUCT:
        return {
            "id": pk,
            "type": "product",
            "title": source["title"],
            "highlight": _first(highlight, "title", "title.ru", "description", "description.ru")
            or escape(source["title"]),
            "score": score,
            "price": f"{source['price']:.2f}",
            "in_stock": source["in_stock"],
            "category": source["category_id"],
            "seller": source["seller_id"],
            "seller_name": source["seller_name"],
            "rating": source["rating"],
            "url": f"/products/{pk}/",
        }
    if kind == Kind.SELLER:
        return {
            "id": pk,
            "type": "seller",
            "title": source["name"],
            "highlight": _first(highlight, "name", "name.ru", "description", "description.ru")
            or escape(source["name"]),
            "score": score,
            "slug": source["slug"],
            "url": f"/sellers/{source['slug']}/",
        }
    return {
        "id": pk,
        "type": "comment",
        "title": source["product_title"],
        "highlight": _first(highlight, "text", "text.ru", "product_title", "product_title.ru")
        or escape(source["text"][:160]),
        "score": score,
        "product": source["product_id"],
        "rating": source["rating"],
        "author_name": source["author_name"],
        "url": f"/products/{source['product_id']}/#reviews",
    }


def _facets(kind: str, aggregations: dict) -> dict[str, list[dict]]:
    if kind == Kind.COMMENT:
        buckets = aggregations.get("rating", {}).get("buckets", [])
        return {"rating": [{"value": b["key"], "label": stars(b["key"]), "count": b["doc_count"]} for b in buckets]}
    if kind != Kind.PRODUCT:
        return {}
    price = aggregations["price"]["buckets"]
    categories = [_labelled(bucket) for bucket in aggregations["category"]["buckets"]]
    labels = category_labels([facet["value"] for facet in categories])
    return {
        "category": [{**facet, "label": labels.get(facet["value"], facet["label"])} for facet in categories],
        "seller": [_labelled(bucket) for bucket in aggregations["seller"]["buckets"]],
        "in_stock": [
            {"value": bool(b["key"]), "label": _("In stock") if b["key"] else _("Sold out"), "count": b["doc_count"]}
            for b in aggregations["in_stock"]["buckets"]
        ],
        "price": [
            {"value": key, "label": price_label(low, high), "count": price[key]["doc_count"]}
            for key, low, high in PRICE_RANGES
            if price[key]["doc_count"]
        ],
    }


def _labelled(bucket: dict) -> dict:
    """A facet from an "id|label" keyword bucket."""
    value, _bar, label = bucket["key"].partition("|")
    return {"value": int(value), "label": label, "count": bucket["doc_count"]}


def suggest(q: str, limit: int = 8) -> list[dict]:
    """Prefix completion over product titles and shop names (from the cache while the index holds)."""
    return answers.kept(
        search_engine.index_name(Kind.PRODUCT), {"suggest": q, "limit": limit}, lambda: _suggest(q, limit)
    )


def _suggest(q: str, limit: int) -> list[dict]:
    engine = search_engine.client()
    suggestions = []
    for kind, label in ((Kind.PRODUCT, "product"), (Kind.SELLER, "seller")):
        answer = engine.search(
            index=search_engine.index_name(kind),
            body={
                "size": limit if kind == Kind.PRODUCT else 3,
                "_source": ["title", "name"],
                "query": {
                    "multi_match": {
                        "query": q,
                        "type": "bool_prefix",
                        "fields": ["suggest", "suggest._2gram", "suggest._3gram"],
                    }
                },
            },
        )
        for hit in answer["hits"]["hits"]:
            source = hit["_source"]
            suggestions.append({"id": int(hit["_id"]), "type": label, "title": source.get("title") or source["name"]})
    return suggestions
