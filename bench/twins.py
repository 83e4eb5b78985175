"""What each endpoint is measured against, and the ratio it must reach (issue: performance, second round).

A storefront page is compared with its JSON twin, the API answer that carries the same products: a
page costs the shop no more than the data it shows. The API lists are compared with the floor, a bare
DRF list over the same table (bench/views.py).
"""

from collections.abc import Callable

BARE = "bare DRF list (floor)"
API_LIST = "API product list"
API_LIST_FILTERED = "API product list, filtered + sorted"
API_LIST_24 = "API product list, 24 a page"
CATALOGUE = "catalogue page"
API_DETAIL = "API product detail"
PRODUCT = "product page"
API_LIST_16 = "API product list, 16 a page"
HOME = "home page"
API_SEARCH = "API search"
SEARCH = "search page"

# endpoint → (what it is compared with, the lowest ratio of throughputs the target allows)
TWINS: dict[str, tuple[str, float]] = {
    API_LIST: (BARE, 0.85),
    API_LIST_FILTERED: (BARE, 0.7),
    CATALOGUE: (API_LIST_24, 0.8),  # the catalogue page shows 24 products
    PRODUCT: (API_DETAIL, 0.8),
    HOME: (API_LIST_16, 0.8),  # the home page shows 8 featured and 8 new products
    SEARCH: (API_SEARCH, 0.8),
}

SEARCH_WORDS = "kettle"


def targets(get: Callable, *, search: bool = True) -> dict[str, str]:
    """Every endpoint's path, twins first. `get(path)` fetches from the server under test (to find a
    product and the address its page has)."""
    product = get("/api/v1/products?page_size=1").json()["results"][0]
    product_page = f"/products/{product['id']}/{product['slug']}/" if product["slug"] else f"/products/{product['id']}/"
    paths = {
        BARE: "/bench/bare-products",
        API_LIST: "/api/v1/products",
        API_LIST_FILTERED: "/api/v1/products?in_stock=true&min_price=10&ordering=price",
        API_LIST_24: "/api/v1/products?page_size=24",
        CATALOGUE: "/products/",
        API_DETAIL: f"/api/v1/products/{product['id']}",
        PRODUCT: product_page,
        API_LIST_16: "/api/v1/products?page_size=16",
        HOME: "/",
    }
    if search:
        paths[API_SEARCH] = f"/api/v1/search?q={SEARCH_WORDS}"
        paths[SEARCH] = f"/search/?q={SEARCH_WORDS}"
    return paths


def twin_of(name: str) -> str:
    """The row `name` is compared with: its twin, or itself (a row that is a floor)."""
    return TWINS[name][0] if name in TWINS else name
