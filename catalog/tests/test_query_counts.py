"""Lists and details run a fixed number of queries, whatever the page size (no N+1): one for a list
(its rows, their images and the total, shop.pagination.CountingPaginator), pinned exactly so that a
query creeping back in shows here before it shows in the benchmark."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from accounts.tests.factories import SellerFactory
from catalog.models import ProductImage
from catalog.tests.factories import CategoryFactory, ProductFactory
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def catalogue():
    """Products from several sellers and categories, each with an image and a review."""
    sellers = SellerFactory.create_batch(3)
    categories = CategoryFactory.create_batch(3)
    products = [ProductFactory(seller=sellers[n % 3], category=categories[n % 3]) for n in range(40)]
    for product in products:
        ProductImage.objects.create(product=product, image=_png())
        ReviewFactory(product=product)
    return products


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/api/v1/products?page_size={n}", "/products/?page={page}"])
def test_product_lists_do_not_grow_with_the_page(client, catalogue, url, settings):
    settings.CATALOGUE_COUNT_SECONDS = 0  # count on every request, so both requests run the same queries
    client.get(url.format(n=1, page=1))  # the filter's choices are read once, then shared (shop.shared_reads)
    small = _queries(client, url.format(n=2, page=2))
    large = _queries(client, url.format(n=40, page=1))

    assert small == large == 1


def test_product_list_filtered_by_category(client, catalogue, django_assert_max_num_queries, settings):
    settings.CATALOGUE_COUNT_SECONDS = 0
    category = catalogue[0].category
    client.get(f"/api/v1/products?category={category.pk}")  # the category tree is read once, then shared
    with django_assert_max_num_queries(1):
        assert client.get(f"/api/v1/products?page_size=40&category={category.pk}").status_code == 200


def test_product_detail_api(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the product, and its `product_viewed` event in the outbox
        assert client.get(f"/api/v1/products/{catalogue[0].pk}").status_code == 200


def test_product_detail_page(client, catalogue, django_assert_max_num_queries):
    product = catalogue[0]
    for _ in range(9):
        ReviewFactory(product=product)
    with django_assert_max_num_queries(3):  # the product, its `product_viewed` event, its reviews
        assert client.get(product.get_absolute_url()).status_code == 200


def test_home_page(client, catalogue, django_assert_max_num_queries):
    client.get("/")  # the category tree in the header is read once, then shared (shop.shared_reads)
    with django_assert_max_num_queries(1):  # both shelves in one query
        assert client.get("/").status_code == 200
