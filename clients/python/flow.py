"""The mobile flow through the Python SDK that openapi-python-client generates from the schema.

Run by `clients/sdk flow python URL` (the test suite does, against a live server), with the
accounts in the environment: BUYER_EMAIL, SELLER_EMAIL, PASSWORD, and IMAGE (a PNG to upload).
Every answer goes through the generated models; each step checks what a mobile app relies on,
and each area has one refusal, read as the documented `Error`.
"""

import os
import sys
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "build"))

from bazaar_client import AuthenticatedClient, Client
from bazaar_client.api.auth import auth_login_create, auth_refresh_create
from bazaar_client.api.cart import cart_create, cart_partial_update, cart_retrieve
from bazaar_client.api.categories import categories_list
from bazaar_client.api.products import (
    products_comments_create,
    products_comments_list,
    products_create,
    products_image_create,
    products_list,
    products_partial_update,
    products_retrieve,
)
from bazaar_client.api.purchases import (
    purchases_cancel_create,
    purchases_create,
    purchases_events_retrieve,
    purchases_list,
    purchases_retrieve,
)
from bazaar_client.api.search import search_retrieve, search_suggest_retrieve
from bazaar_client.models import (
    AddToCartRequest,
    CheckoutRequest,
    CommentHit,
    CommentRequest,
    Error,
    ImageUploadRequest,
    LoginRequest,
    OrderStatusEnum,
    PaginatedProductList,
    PatchedChangeQuantityRequest,
    PatchedProductRequest,
    Product,
    ProductHit,
    ProductRequest,
    ProductsListOrdering,
    Purchase,
    SearchRetrieveType,
    SellerHit,
    TokenPair,
    TokenRefreshRequest,
)
from bazaar_client.types import File

BASE = sys.argv[1] if len(sys.argv) > 1 else os.environ["BAZAAR_URL"]
PASSWORD = os.environ["PASSWORD"]


def step(name: str) -> None:
    print(f"python: {name}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"python flow failed: {message}")


def refused(response, status: int, area: str) -> Error:
    """A refusal, parsed by the SDK as the documented Error."""
    check(response.status_code == status, f"{area}: expected {status}, got {response.status_code}")
    check(isinstance(response.parsed, Error) and bool(response.parsed.detail), f"{area}: no Error body")
    print(f"python:   refused as documented ({status} {response.parsed.code}): {response.parsed.detail}")
    return response.parsed


def log_in(email: str) -> TokenPair:
    answer = auth_login_create.sync_detailed(client=Client(BASE), body=LoginRequest(email=email, password=PASSWORD))
    check(isinstance(answer.parsed, TokenPair), f"login of {email}: {answer.status_code}")
    return answer.parsed


def main() -> None:
    public = Client(BASE, raise_on_unexpected_status=True)

    step("log in, refresh; a wrong password is refused")
    tokens = log_in(os.environ["BUYER_EMAIL"])
    fresh = auth_refresh_create.sync(client=public, body=TokenRefreshRequest(refresh=tokens.refresh))
    check(isinstance(fresh, TokenPair) and fresh.access != tokens.access, "refresh gave no new access token")
    wrong = LoginRequest(email=os.environ["BUYER_EMAIL"], password="not-the-password")
    refused(auth_login_create.sync_detailed(client=public, body=wrong), 401, "auth")
    buyer = AuthenticatedClient(BASE, token=fresh.access, raise_on_unexpected_status=True)

    step("list products with filters and sorting, page to the end, then again by cursor")
    category = categories_list.sync(client=public).results[0]
    listing = dict(category=category.id, in_stock=True, ordering=ProductsListOrdering.PRICE, min_price="1.00")
    first = products_list.sync(client=public, page_size=2, **listing)
    check(isinstance(first, PaginatedProductList) and first.count >= 3, "the category has too few products")
    seen, page = [], 1
    while True:
        answer = products_list.sync(client=public, page=page, page_size=2, **listing)
        seen += answer.results
        if not answer.next_:
            break
        page += 1
    prices = [Decimal(product.price) for product in seen]
    check(len(seen) == first.count and prices == sorted(prices), "pages do not cover the list in price order")
    check(all(p.in_stock and p.category == category.id for p in seen), "a filter was not applied")
    by_cursor, cursor = list(first.results), first.next_cursor
    while cursor:
        answer = products_list.sync(client=public, cursor=cursor, page_size=2, **listing)
        by_cursor += answer.results
        cursor = answer.next_cursor
    check([p.id for p in by_cursor] == [p.id for p in seen], "the cursor walk differs from the pages")
    refused(products_list.sync_detailed(client=public, page_size=1000), 400, "catalogue")

    step("product detail, revalidated with its ETag")
    detail = products_retrieve.sync_detailed(seen[0].id, client=public)
    check(isinstance(detail.parsed, Product) and detail.parsed.id == seen[0].id, "product detail")
    again = products_retrieve.sync_detailed(seen[0].id, client=public, if_none_match=detail.headers["ETag"])
    check(again.status_code == 304 and not again.content, f"revalidation answered {again.status_code}")
    product = detail.parsed

    step("add to cart, change the quantity, read the cart; too many is refused")
    cart = cart_create.sync(client=buyer, body=AddToCartRequest(product=product.id, quantity=1))
    line = next(item for item in cart.items if item.product == product.id)
    cart = cart_partial_update.sync(line.id, client=buyer, body=PatchedChangeQuantityRequest(quantity=2))
    cart = cart_retrieve.sync(client=buyer)
    check([(i.product, i.quantity) for i in cart.items] == [(product.id, 2)], "the cart does not hold 2 of it")
    check(Decimal(cart.total) == Decimal(product.price) * 2, "the cart total is not twice the price")
    too_many = AddToCartRequest(product=product.id, quantity=product.stock + 1)
    refused(cart_create.sync_detailed(client=buyer, body=too_many), 409, "cart")

    step("purchase with an Idempotency-Key, retry it: the same purchase")
    key, details = str(uuid.uuid4()), CheckoutRequest(shipping_name="Ann Buyer", shipping_address="1 Main St")
    bought = purchases_create.sync_detailed(client=buyer, body=details, idempotency_key=key)
    retried = purchases_create.sync_detailed(client=buyer, body=details, idempotency_key=key)
    check(bought.status_code == 201 and isinstance(bought.parsed, Purchase), f"purchase: {bought.status_code}")
    check(retried.status_code == 200 and retried.parsed.id == bought.parsed.id, "the retry made another purchase")
    purchase = bought.parsed
    check(purchase.history[0].from_status is None, "the first status change has a previous status")

    step("history and detail, the order's events; cancel; cancelling again is refused")
    history = purchases_list.sync(client=buyer)
    check(purchase.id in [p.id for p in history.results], "the purchase is not in the history")
    check(purchases_retrieve.sync(purchase.id, client=buyer).total == purchase.total, "purchase detail")
    cancelled = purchases_cancel_create.sync(purchase.id, client=buyer)
    check(cancelled.status == OrderStatusEnum.CANCELLED, "the purchase was not cancelled")
    events = purchases_events_retrieve.sync(purchase.id, client=buyer)
    statuses = [(e.from_status, e.to_status) for e in events.events]
    check(statuses == [(None, OrderStatusEnum.PLACED), (OrderStatusEnum.PLACED, OrderStatusEnum.CANCELLED)], "events")
    refused(purchases_cancel_create.sync_detailed(purchase.id, client=buyer), 409, "purchases")

    step("as a seller: create a product, upload an image, change its price, read its comments")
    seller = AuthenticatedClient(BASE, token=log_in(os.environ["SELLER_EMAIL"]).access, raise_on_unexpected_status=True)
    new = ProductRequest(title="Python flow kettle", price="24.50", stock=5, category=category.id)
    created = products_create.sync(client=seller, body=new)
    check(isinstance(created, Product) and created.price == "24.50", "product creation")
    with open(os.environ["IMAGE"], "rb") as image:
        upload = ImageUploadRequest(file=File(payload=image, file_name="kettle.png", mime_type="image/png"))
        picture = products_image_create.sync(created.id, client=seller, body=upload)
    check(picture.url.startswith("http") and picture.width > 0, "the image upload")
    repriced = products_partial_update.sync(created.id, client=seller, body=PatchedProductRequest(price="19.90"))
    check(repriced.price == "19.90" and repriced.images[0].id == picture.id, "the price change")
    products_comments_create.sync(created.id, client=buyer, body=CommentRequest(rating=5, text="Boils fast."))
    comments = products_comments_list.sync(created.id, client=seller)
    check([(c.rating, c.text) for c in comments.results] == [(5, "Boils fast.")], "the product's comments")
    refused(products_create.sync_detailed(client=buyer, body=new), 403, "seller")

    step("search with facets, in each kind; suggestions")
    found = search_retrieve.sync(client=public, q="kettle", type_=SearchRetrieveType.PRODUCTS)
    check(found.count >= 1 and all(isinstance(hit, ProductHit) for hit in found.results), "product search")
    check(bool(found.facets.category) and all(f.count > 0 for f in found.facets.category), "category facets")
    check(isinstance(found.facets.in_stock[0].value, bool), "the stock facet is not a boolean")
    shops = search_retrieve.sync(client=public, type_=SearchRetrieveType.SELLERS)
    check(shops.count >= 1 and all(isinstance(hit, SellerHit) and hit.slug for hit in shops.results), "seller hits")
    reviews = search_retrieve.sync(client=public, q="boils", type_=SearchRetrieveType.COMMENTS)
    check(any(isinstance(hit, CommentHit) and hit.rating == 5 for hit in reviews.results), "comment hits")
    suggestions = search_suggest_retrieve.sync(client=public, q="Python flow")
    check(any(s.id == created.id for s in suggestions.suggestions), "the suggestion for the new product")
    refused(search_retrieve.sync_detailed(client=public, min_price="9.00", max_price="1.00"), 400, "search")

    print("python: the whole flow passed")


if __name__ == "__main__":
    main()
