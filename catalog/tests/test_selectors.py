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
