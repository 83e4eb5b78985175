"""Product cards come from the fragment cache, and a cached card is never stale.

The cards' key is made of the product's row as fetched (shop/fragments.py), so a purchase that takes
the last unit, a new price or a new review shows on the very next page, on every page that lists the
product. These tests run on the real Redis cache the site uses, not the per-test memory cache.
"""

import os
import re
import uuid
from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from reviews.services import post_review
from shop import fragments

pytestmark = pytest.mark.django_db

SOLD_OUT = '<span class="badge out">Sold out</span>'


@pytest.fixture
def redis_cache(settings):
    """The site's Redis cache, under a prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-cards-{uuid.uuid4().hex}",
        }
    }
    fragments.recent.items.clear()


def _card_of(html: str, product: Product) -> str:
    start = html.index(f'href="{product.get_absolute_url()}"')
    return html[start : html.index("</article>", start)]


def test_no_stale_stock_badge_after_a_purchase(redis_cache, api_as, buyer, client):
    """The last unit is bought through the API: every page that lists the product says sold out at once."""
    last_one = ProductFactory(title="Last lamp", stock=1, is_featured=True)
    pages = ["/products/", "/", f"/sellers/{last_one.seller.seller_profile.slug}/"]
    for page in pages:  # cached as "in stock", in the shared cache and in this process's memory
        assert SOLD_OUT not in _card_of(client.get(page).content.decode(), last_one)
    assert fragments.recent.items

    shopper = api_as(buyer)
    assert shopper.post("/api/v1/cart", {"product": last_one.pk, "quantity": 1}).status_code == 201
    assert shopper.post("/api/v1/purchases").status_code == 201

    for page in pages:
        assert SOLD_OUT in _card_of(client.get(page).content.decode(), last_one), page
    page = client.get(last_one.get_absolute_url()).content.decode()
    assert '<p class="stock">Sold out</p>' in page


def test_a_new_price_and_a_new_rating_show_at_once(redis_cache, client, buyer):
    lamp = ProductFactory(title="Desk lamp", price=Decimal("20.00"))
    before = _card_of(client.get("/products/").content.decode(), lamp)
    assert "20.00" in before and "★" not in before

    Product.objects.filter(pk=lamp.pk).update(price=Decimal("18.50"))  # even a change no service made
    post_review(author=buyer, product=Product.objects.get(pk=lamp.pk), rating=4, text="Bright.")

    after = _card_of(client.get("/products/").content.decode(), lamp)
    assert "$18.50" in after and "★ 4.0 (1)" in after


def test_cards_are_rendered_once_then_read(redis_cache, client, django_assert_max_num_queries, monkeypatch):
    ProductFactory.create_batch(5)
    first = client.get("/products/").content.decode()
    fragments.recent.items.clear()  # another process: only the shared cache has the cards

    rendered = []
    real = fragments.get_template

    def counting(name):
        template = real(name)
        if name.endswith("product_card.html"):
            rendered.append(name)
        return template

    monkeypatch.setattr(fragments, "get_template", counting)
    again = client.get("/products/").content.decode()

    # the header's language switcher is a form whose CSRF token is masked afresh for every answer
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", again) == csrf.sub("", first)
    assert rendered == []


def test_without_the_fragment_cache_cards_are_rendered_each_time(settings, client):
    settings.FRAGMENT_CACHE_SECONDS = 0
    product = ProductFactory(title="Plain kettle", stock=0)
    assert SOLD_OUT in _card_of(client.get("/products/").content.decode(), product)
