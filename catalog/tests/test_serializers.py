"""The hand-written product representation equals DRF's generic one, field for field."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIRequestFactory

from catalog import selectors
from catalog.api.serializers import ProductSerializer
from catalog.models import ProductImage
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, format="PNG")
    return SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")


def _both(product_id: int) -> tuple[dict, dict]:
    request = APIRequestFactory().get("/api/v1/products")
    product = selectors.all_products().get(pk=product_id)
    serializer = ProductSerializer(context={"request": request})
    return serializer.to_representation(product), serializer.generic_representation(product)


def test_a_product_with_images_and_ratings(seller, staff):
    product = ProductFactory(seller=seller, rating_count=3, is_featured=True)
    ProductImage.objects.create(product=product, image=_png(), alt_text="front", position=2)
    ProductImage.objects.create(product=product, image=_png(), position=1)

    fast, generic = _both(product.pk)

    assert fast == generic
    assert [image["position"] for image in fast["images"]] == [1, 2]


def test_a_staff_product_without_a_shop_is_sold_by_the_marketplace(staff, settings):
    product = ProductFactory(seller=staff, is_active=False, stock=0)

    fast, generic = _both(product.pk)

    assert fast == generic
    assert fast["seller_name"] == settings.SHOP_NAME


def test_the_fast_path_renders_every_declared_field(product):
    fast, _ = _both(product.pk)

    assert list(fast) == [name for name, field in ProductSerializer().fields.items() if not field.write_only]
