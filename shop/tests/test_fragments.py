"""Fragments keyed by what they show (shop/fragments.py): a change of anything loaded with a row
changes the key; a cached fragment equals a fresh render; a cache that is down costs a render."""

import time
from decimal import Decimal

import pytest
from django.template.loader import get_template
from django.utils import translation

from catalog import selectors
from catalog.models import Product, ProductImage
from catalog.tests.factories import ProductFactory
from shop import fragments
from shop.fragments import fingerprint, lifetime, render_each

pytestmark = pytest.mark.django_db

CARD = "includes/product_card.html"


@pytest.fixture(autouse=True)
def _empty_memory():
    fragments.recent.items.clear()


def _fetched(product: Product) -> Product:
    """As a catalogue list fetches it: category joined, shop name annotated, images attached."""
    return selectors.visible_products().get(pk=product.pk)


def test_the_same_row_has_the_same_fingerprint():
    product = ProductFactory()
    assert fingerprint(_fetched(product)) == fingerprint(_fetched(product))


@pytest.mark.parametrize(
    "change",
    [
        {"stock": 0},
        {"price": Decimal("11.00")},
        {"rating_average": Decimal("4.50"), "rating_count": 2},
        {"title": "Renamed"},
    ],
)
def test_any_column_changes_the_fingerprint(change):
    product = ProductFactory()
    before = fingerprint(_fetched(product))
    Product.objects.filter(pk=product.pk).update(**change)
    assert fingerprint(_fetched(product)) != before


def test_related_rows_and_annotations_change_the_fingerprint():
    product = ProductFactory()
    before = fingerprint(_fetched(product))
    product.category.name = "Renamed category"
    product.category.save()
    after_category = fingerprint(_fetched(product))
    profile = product.seller.seller_profile
    profile.shop_name = "Renamed shop"
    profile.save()
    after_shop = fingerprint(_fetched(product))
    ProductImage.objects.create(product=product, image="products/x.png", thumbnails={"320": "products/x_w320.png"})
    after_image = fingerprint(_fetched(product))

    assert len({before, after_category, after_shop, after_image}) == 4


def test_a_cached_fragment_is_what_the_template_renders():
    products = [_fetched(product) for product in ProductFactory.create_batch(3, stock=0)]
    fresh = [get_template(CARD).render({"product": product}) for product in products]

    assert render_each(CARD, products, as_name="product") == fresh  # rendered and stored
    fragments.recent.items.clear()
    assert render_each(CARD, products, as_name="product") == fresh  # from the shared cache
    assert render_each(CARD, products, as_name="product") == fresh  # from this process's memory


def test_each_language_has_its_own_fragments():
    product = _fetched(ProductFactory())
    render_each(CARD, [product], as_name="product")
    with translation.override("de"):
        render_each(CARD, [product], as_name="product")
    assert len(fragments.recent.items) == 2


def test_a_fragment_is_not_read_after_it_expired(monkeypatch):
    product = _fetched(ProductFactory(title="Old title"))
    render_each(CARD, [product], as_name="product")
    key = next(iter(fragments.recent.items))
    fragments.recent.items[key] = (time.time() - 1, "stale")
    from django.core.cache import cache

    cache.set(key, (time.time() - 1, "stale"))

    assert "stale" not in render_each(CARD, [product], as_name="product")[0]


def test_presigned_image_urls_outlive_the_fragments_that_hold_them(settings):
    settings.FRAGMENT_CACHE_SECONDS = 3600
    assert lifetime() == 3600  # local files: no expiry
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "shop.object_storage.BucketStorage",
            "OPTIONS": {"querystring_auth": True, "querystring_expire": 600},
        },
    }
    assert lifetime() == 300


def test_a_cache_that_does_not_answer_costs_a_render(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    product = _fetched(ProductFactory(stock=0))
    assert "Sold out" in render_each(CARD, [product], as_name="product")[0]


def test_fragments_can_be_switched_off(settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    render_each(CARD, [_fetched(ProductFactory())], as_name="product")
    assert not fragments.recent.items
