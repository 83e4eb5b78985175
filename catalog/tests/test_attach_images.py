"""`with_images` hands each product exactly its own images, in the relation's display order."""

import pytest

from catalog.models import Product, ProductImage
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _image(product, name: str, **fields) -> ProductImage:
    return ProductImage.objects.create(product=product, image=f"products/{product.pk}/{name}.jpg", **fields)


def test_attach_images_matches_the_relation_in_order_and_types():
    first, second, bare = ProductFactory(), ProductFactory(), ProductFactory()
    _image(first, "c", position=2)
    _image(first, "b", position=1, thumbnails={"320": f"products/{first.pk}/b_w320.jpg"})
    _image(first, "a", position=5, is_primary=True)
    _image(second, "d", position=0, alt_text="side")

    products = list(Product.objects.filter(pk__in=[first.pk, second.pk, bare.pk]).with_images())

    for product in products:
        expected = list(product.images.all())
        assert [image.pk for image in product.image_list] == [image.pk for image in expected]
    by_id = {product.pk: product for product in products}
    assert [image.image.name.rsplit("/", 1)[1] for image in by_id[first.pk].image_list] == ["a.jpg", "b.jpg", "c.jpg"]
    assert by_id[first.pk].image_list[1].thumbnails == {"320": f"products/{first.pk}/b_w320.jpg"}
    assert by_id[second.pk].image_list[0].alt_text == "side"
    assert by_id[bare.pk].image_list == []


def test_attach_images_costs_one_query_for_a_page(django_assert_num_queries):
    for product in ProductFactory.create_batch(3):
        _image(product, "x")

    with django_assert_num_queries(2):
        products = list(Product.objects.with_images())

    assert all(len(product.image_list) == 1 for product in products)
