"""Storefront pages, error pages and health checks."""

import pytest

from catalog.tests.factories import ProductFactory
from orders.tests.factories import order_for

pytestmark = pytest.mark.django_db


def test_home_shows_newest_and_featured_products(client, seller):
    ProductFactory(seller=seller, title="Shiny kettle", is_featured=True)

    page = client.get("/").content.decode()

    assert "Shiny kettle" in page and "Featured" in page


def test_home_on_an_empty_shop_says_what_to_do(client, db):
    assert "No products yet" in client.get("/").content.decode()


def test_catalogue_filters_and_paginates(client, seller):
    ProductFactory.create_batch(30, seller=seller, title="Mug")
    ProductFactory(seller=seller, title="Teapot")

    first = client.get("/products/").content.decode()
    second = client.get("/products/?page=2").content.decode()
    search = client.get("/products/?q=teapot").content.decode()

    assert "31 products" in first and "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert "1 product" in search and "Teapot" in search


def test_catalogue_with_no_match_offers_to_clear_filters(client, db):
    assert "Nothing matches these filters" in client.get("/products/?q=zzz").content.decode()


def test_product_detail_redirects_to_its_slug(client, product):
    response = client.get(f"/products/{product.pk}/")

    assert response.status_code == 301
    assert response["Location"] == f"/products/{product.pk}/{product.slug}/"
    assert product.title in client.get(response["Location"]).content.decode()


def test_seller_page_lists_their_products(client, seller, product):
    page = client.get(f"/sellers/{seller.seller_profile.slug}/").content.decode()

    assert seller.seller_profile.shop_name in page and product.title in page


def test_checkout_places_the_order_and_shows_it(client, buyer, product):
    client.force_login(buyer)
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    token = client.get("/checkout/").context["form"]["token"].value()

    response = client.post(
        "/checkout/", {"shipping_name": "Ann", "shipping_address": "1 Road", "token": token}, follow=True
    )
    resubmit = client.post("/checkout/", {"shipping_name": "Ann", "shipping_address": "1 Road", "token": token})

    page = response.content.decode()
    assert "Order #" in page and "Placed" in page and "20.00" in page
    assert buyer.orders.count() == 1
    assert resubmit.status_code == 302 and buyer.orders.count() == 1


def test_checkout_asks_guests_to_log_in(client, product):
    response = client.get("/checkout/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_order_history_and_cancel(client, buyer, product):
    order = order_for(buyer, (product, 1))
    client.force_login(buyer)

    history = client.get("/orders/").content.decode()
    client.post(f"/orders/{order.pk}/cancel/")
    order.refresh_from_db()

    assert f"#{order.pk}" in history
    assert order.status == "cancelled"


def test_another_buyers_order_page_is_not_found(client, buyer, product):
    from accounts.tests.factories import BuyerFactory

    order = order_for(BuyerFactory(), (product, 1))
    client.force_login(buyer)

    assert client.get(f"/orders/{order.pk}/").status_code == 404


def test_a_seller_lists_edits_and_takes_a_product_off_sale(client, seller):
    from catalog.tests.factories import CategoryFactory

    category = CategoryFactory()
    client.force_login(seller)

    client.post(
        "/seller/products/new/",
        {"title": "Lamp", "category": category.pk, "price": "12.50", "stock": "3", "is_active": "on"},
    )
    product = seller.products.get()
    client.post(
        f"/seller/products/{product.pk}/edit/",
        {"title": "Desk lamp", "category": category.pk, "price": "14.00", "stock": "3", "is_active": "on"},
    )
    client.post(f"/seller/products/{product.pk}/toggle/")
    product.refresh_from_db()

    assert (product.title, str(product.price), product.is_active) == ("Desk lamp", "14.00", False)
    assert "Desk lamp" in client.get("/seller/products/").content.decode()


def test_a_seller_cannot_edit_another_sellers_product(client, other_seller, product):
    client.force_login(other_seller)

    assert client.get(f"/seller/products/{product.pk}/edit/").status_code == 404
    assert client.post(f"/seller/products/{product.pk}/toggle/").status_code == 404
    product.refresh_from_db()
    assert product.is_active


def test_a_negative_price_on_the_form_is_refused(client, seller):
    from catalog.tests.factories import CategoryFactory

    client.force_login(seller)
    response = client.post(
        "/seller/products/new/", {"title": "Lamp", "category": CategoryFactory().pk, "price": "-1", "stock": "3"}
    )

    assert response.status_code == 200
    assert not seller.products.exists()


def test_unknown_pages_answer_a_helpful_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "catalogue" in response.content.decode()


def test_unknown_api_paths_answer_json(client, db):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_health_checks(client, db):
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"


def test_api_docs_and_schema(client, db):
    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/products/{id}/image",
        "/api/v1/products/{id}/comments",
        "/api/v1/cart",
        "/api/v1/cart/{id}",
        "/api/v1/purchases",
        "/api/v1/purchases/{id}",
        "/api/v1/sellers",
        "/api/v1/sellers/{id}",
        "/api/v1/me",
        "/api/v1/categories",
    ]:
        assert path in paths, path
    assert docs.status_code == 200 and "cdn" not in docs.content.decode().lower()
