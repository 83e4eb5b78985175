"""A product page's shared parts are kept under the product's version (catalog/product_pages.py): served
without the product's query while current, and never after a change has committed."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.services import update_seller_profile
from catalog import services
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from reviews.services import post_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as its own transaction would: its on-commit work (new versions) runs at the end."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def _page(client, product) -> str:
    response = client.get(f"/products/{product.pk}/{product.slug}/")
    assert response.status_code == 200
    return _without_csrf(response.content.decode())


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _queries(client, product, capture) -> list[str]:
    with capture() as captured:
        client.get(f"/products/{product.pk}/{product.slug}/")
    return [query["sql"] for query in captured.captured_queries]


def test_a_kept_page_is_served_without_the_products_query_and_reads_the_same(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kettle = ProductFactory(title="Copper kettle", price=Decimal("39.00"), stock=4)
    first = _page(client, kettle)  # rendered, and its shared parts kept
    queries = _queries(client, kettle, lambda: CaptureQueriesContext(connection))

    assert _page(client, kettle) == first
    assert queries == []  # not even the view event: this visitor's view counted once (catalog/view_counting.py)


def test_no_stale_stock_after_a_purchase(client, api_as, buyer, committed):
    last_one = ProductFactory(title="Last lamp", stock=1)
    assert "1 in stock" in _page(client, last_one)

    shopper = api_as(buyer)
    assert shopper.post("/api/v1/cart", {"product": last_one.pk, "quantity": 1}).status_code == 201
    assert committed(lambda: shopper.post("/api/v1/purchases")).status_code == 201

    page = _page(client, last_one)
    assert '<p class="stock">Sold out</p>' in page and "add-to-cart" not in page


def test_edits_reviews_images_category_and_shop_names_show_at_once(client, buyer, seller, committed):
    lamp = ProductFactory(seller=seller, title="Desk lamp", price=Decimal("20.00"))
    _page(client, lamp)

    committed(lambda: services.update_product(lamp, by=seller, price=Decimal("18.50")))
    assert "$18.50" in _page(client, lamp)  # the price as Babel writes it in the page's locale

    committed(lambda: post_review(author=buyer, product=Product.objects.get(pk=lamp.pk), rating=5, text="Bright"))
    assert "★ 5.0 from 1 review" in _page(client, lamp)

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="PNG")
    upload = SimpleUploadedFile("lamp.png", buffer.getvalue(), content_type="image/png")
    image = committed(lambda: services.add_product_image(lamp, by=seller, upload=upload, alt_text="An orange lamp"))
    assert 'alt="An orange lamp"' in _page(client, lamp)
    committed(lambda: services.delete_product_image(image, by=seller))
    assert "An orange lamp" not in _page(client, lamp)

    category = lamp.category
    category.name = "Lighting"
    committed(lambda: services.save_category(category))
    assert ">Lighting</a></nav>" in _page(client, lamp)

    committed(lambda: update_seller_profile(seller.seller_profile, by=seller, shop_name="Lamp Corner"))
    assert ">Lamp Corner</a>" in _page(client, lamp)


def test_a_product_taken_off_sale_is_not_served_from_the_cache(client, seller, committed):
    lamp = ProductFactory(seller=seller, title="Desk lamp")
    _page(client, lamp)

    committed(lambda: services.update_product(lamp, by=seller, is_active=False))

    assert client.get(f"/products/{lamp.pk}/{lamp.slug}/").status_code == 404
    client.force_login(seller)
    assert "Off sale (only you and staff see this page)" in _page(client, lamp)


def test_the_visitors_own_parts_are_rendered_for_each(client, seller, buyer):
    lamp = ProductFactory(seller=seller, title="Desk lamp")
    _page(client, lamp)  # kept by a guest's visit

    client.force_login(seller)
    own = _page(client, lamp)
    assert "Edit this product" in own
    client.force_login(buyer)
    theirs = _page(client, lamp)
    assert "Edit this product" not in theirs and "Post review" in theirs
    client.logout()
    assert "Log in</a> to write a review" in _page(client, lamp)


def test_without_a_cache_the_page_is_rendered_from_the_database(settings, client):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    lamp = ProductFactory(title="Desk lamp", stock=0)
    assert '<p class="stock">Sold out</p>' in _page(client, lamp)
    assert '<p class="stock">Sold out</p>' in _page(client, lamp)
