"""`with_images` hands each product exactly its own images, in the relation's display order, read in
the products' own query: the same instances a query of the image table builds, field for field."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import selectors
from catalog.models import Product, ProductImage
from catalog.tests.factories import ProductFactory
from reviews.models import Review

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _image(product, name: str, **fields) -> ProductImage:
    return ProductImage.objects.create(product=product, image=f"products/{product.pk}/{name}.jpg", **fields)


def _fields(image: ProductImage) -> list:
    return [(field.attname, getattr(image, field.attname)) for field in ProductImage._meta.concrete_fields]


@pytest.fixture
def shelf():
    first, second, bare = ProductFactory(), ProductFactory(), ProductFactory()
    _image(first, "c", position=2)
    _image(first, "b", position=1, thumbnails={"320": f"products/{first.pk}/b_w320.jpg"}, width=640, height=480)
    _image(first, "a", position=5, is_primary=True, alt_text='Ünïcode "quoted" alt')
    _image(second, "d", position=0, alt_text="side")
    return first, second, bare


def test_each_product_gets_its_images_as_the_relation_has_them(shelf):
    first, _, bare = shelf

    products = list(Product.objects.filter(pk__in=[p.pk for p in shelf]).with_images())

    by_id = {product.pk: product for product in products}
    for product in products:
        expected = list(product.images.all())  # the model's Meta.ordering, built by the ORM
        assert [_fields(image) for image in product.image_list] == [_fields(image) for image in expected]
        assert [[type(value) for _, value in _fields(image)] for image in product.image_list] == [
            [type(value) for _, value in _fields(image)] for image in expected
        ]
    assert [image.image.name.rsplit("/", 1)[1] for image in by_id[first.pk].image_list] == ["a.jpg", "b.jpg", "c.jpg"]
    assert by_id[first.pk].image_list[1].thumbnails == {"320": f"products/{first.pk}/b_w320.jpg"}
    assert by_id[first.pk].image_list[0].image.url.endswith(f"products/{first.pk}/a.jpg")
    assert by_id[bare.pk].image_list == []
    assert not any("image_rows" in vars(product) for product in products)  # the raw column is not kept


def test_a_page_with_its_images_is_one_query(shelf):
    with CaptureQueriesContext(connection) as sent:
        products = list(selectors.visible_products()[:20])

    assert len(sent.captured_queries) == 1
    assert sum(len(product.image_list) for product in products) == 4
    assert all(product.gallery is product.image_list for product in products)


def test_counting_and_filtering_through_the_products_leave_the_images_out(shelf):
    first, _, _ = shelf
    visible = selectors.visible_products()

    with CaptureQueriesContext(connection) as sent:
        assert visible.count() == 3
        assert Review.objects.filter(product__in=visible.filter(pk=first.pk)).count() == 0

    assert not any("image_row" in query["sql"] for query in sent.captured_queries)


def test_every_way_of_reading_the_products_gives_them_their_images(shelf):
    first, _, _ = shelf
    visible = selectors.visible_products().order_by("pk")

    by_iterator = {product.pk: product for product in visible.iterator()}
    got = visible.get(pk=first.pk)

    assert [len(by_iterator[p.pk].image_list) for p in shelf] == [3, 1, 0]
    assert [image.pk for image in got.image_list] == [image.pk for image in first.images.all()]
    assert not any("image_rows" in vars(product) for product in [got, *by_iterator.values()])


SQLITE_CHECK = """
from catalog.models import Category, Product, ProductImage
from accounts.models import User
seller = User.objects.create_user(email="s@example.com", password="pw-123456-long", role="seller")
category = Category.objects.create(name="Things", slug="things")
product = Product.objects.create(seller=seller, category=category, title="Widget", price="5.00", stock=3)
bare = Product.objects.create(seller=seller, category=category, title="Bare", price="5.00", stock=3)
ProductImage.objects.create(product=product, image="p/b.jpg", position=1, thumbnails={"320": "p/b_w320.jpg"})
ProductImage.objects.create(product=product, image="p/a.jpg", position=4, is_primary=True, alt_text="x")
fields = lambda image: [(f.attname, getattr(image, f.attname), type(getattr(image, f.attname)))
                        for f in ProductImage._meta.concrete_fields]
by_id = {p.pk: p for p in Product.objects.with_images()}
assert [fields(i) for i in by_id[product.pk].image_list] == [fields(i) for i in product.images.all()], "differ"
assert by_id[bare.pk].image_list == []
from catalog import selectors
Product.objects.filter(pk=product.pk).update(is_featured=True)
for _ in range(2):  # the second time from the SQL built the first (shop.fixed_queries)
    featured, newest = selectors.home_products(limit=8)
    assert [p.pk for p in featured] == [product.pk] and [p.pk for p in newest] == [bare.pk, product.pk]
    assert [i.image.name for i in featured[0].image_list] == ["p/a.jpg", "p/b.jpg"]
print("same images")
"""


def test_the_embedded_database_builds_the_same_images_and_shelves(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}", "MEDIA_ROOT": str(tmp_path)}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)

    checked = subprocess.run(
        [*manage, "shell", "-c", SQLITE_CHECK], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert checked.returncode == 0, checked.stderr
    assert "same images" in checked.stdout
