"""The selectors' prebuilt querysets hand out fresh clones, never a cached result."""

import pytest

from catalog import selectors
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_visible_products_sees_rows_added_after_an_earlier_call():
    first = ProductFactory()
    assert list(selectors.visible_products()) == [first]

    second = ProductFactory()
    hidden = ProductFactory(is_active=False)

    assert set(selectors.visible_products()) == {first, second}
    assert set(selectors.all_products()) == {first, second, hidden}
    assert selectors.visible_products() is not selectors.visible_products()


def test_filtering_a_clone_leaves_the_next_call_unfiltered():
    cheap, dear = ProductFactory(price=1), ProductFactory(price=100)

    assert list(selectors.visible_products().filter(price__gt=50)) == [dear]
    assert set(selectors.visible_products()) == {cheap, dear}


def test_the_home_shelves_hold_what_their_own_queries_hold_in_one_query(django_assert_num_queries):
    from decimal import Decimal

    from catalog.models import ProductImage

    for rating in ["4.50", "3.00", "4.50", "5.00", "1.00"]:
        ProductFactory(is_featured=True, rating_average=Decimal(rating))
    ProductFactory.create_batch(4)
    ProductFactory(is_featured=True, is_active=False)  # off sale: on neither shelf
    pictured = ProductFactory(is_featured=True, rating_average=Decimal("2.00"))
    ProductImage.objects.create(product=pictured, image="products/x/a.jpg", is_primary=True)

    with django_assert_num_queries(1):  # PostgreSQL: both shelves in one UNION ALL
        featured, newest = selectors.home_products(limit=3)

    assert [p.pk for p in featured] == [p.pk for p in selectors.featured_products(limit=3)]
    assert [p.pk for p in newest] == [p.pk for p in selectors.newest_products(limit=3)]
    assert [p.rating_average for p in featured] == [Decimal("5.00"), Decimal("4.50"), Decimal("4.50")]
    assert newest[0].pk == pictured.pk and [image.image.name for image in newest[0].image_list] == ["products/x/a.jpg"]
    assert all(not hasattr(p, "image_rows") for p in featured + newest)
