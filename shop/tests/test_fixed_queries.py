"""A FixedQuery reads what its queryset reads, fresh on every call, with its SQL built once."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import Value
from django.db.models.sql.compiler import SQLCompiler

from catalog import selectors
from catalog.models import Product, ProductImage
from catalog.tests.factories import ProductFactory
from shop.fixed_queries import FixedQuery

pytestmark = pytest.mark.django_db


def _shelves(limit):
    featured = selectors.visible_products().filter(is_featured=True).order_by("-rating_average", "-id")
    newest = selectors.visible_products().order_by("-created_at", "-id")
    return featured.annotate(shelf=Value(0))[:limit].union(newest.annotate(shelf=Value(1))[:limit], all=True)


def _seen(products: list[Product]) -> list[tuple]:
    """Everything a card shows, and where the row sits."""
    return [
        (p.pk, p.shelf, p.title, p.price, p.stock, p.category.name, p.shop_name, [i.image.name for i in p.image_list])
        for p in products
    ]


@pytest.fixture
def catalogue():
    products = [ProductFactory(is_featured=n % 2 == 0, rating_average=Decimal(n % 5)) for n in range(7)]
    ProductImage.objects.create(product=products[-2], image="products/a.jpg", is_primary=True)
    return products


def test_its_rows_are_the_querysets_and_stay_fresh(catalogue, django_assert_num_queries):
    fixed = FixedQuery(_shelves)
    assert _seen(fixed(3)) == _seen(list(_shelves(3)))

    catalogue[-1].price, catalogue[-1].stock = Decimal("1.23"), 0  # the newest but one, once the lamp is in
    catalogue[-1].save()
    ProductFactory(title="Brand new lamp")

    with django_assert_num_queries(1):
        again = fixed(3)
    assert _seen(again) == _seen(list(_shelves(3)))
    assert "Brand new lamp" in [p.title for p in again]
    assert [p.image_list[0].image.name for p in again if p.image_list] == ["products/a.jpg"]
    assert (Decimal("1.23"), 0) in [(p.price, p.stock) for p in again]


def test_the_sql_is_built_once_per_arguments(catalogue):
    fixed = FixedQuery(_shelves)
    fixed(3)

    with mock.patch.object(SQLCompiler, "pre_sql_setup", autospec=True, side_effect=SQLCompiler.pre_sql_setup) as built:
        fixed(3)
        assert built.call_count == 0
        assert len(fixed(2)) == 4  # other arguments: built for them, and right
        assert built.call_count > 0


def test_each_call_has_rows_of_its_own(catalogue):
    fixed = FixedQuery(_shelves)

    first, second = fixed(3), fixed(3)
    first[0].title = "Changed in one call's rows"

    assert second[0].title != first[0].title  # not the same instances handed out twice
    assert _seen(second) == _seen(fixed(3))


def test_it_keeps_the_sql_of_a_few_arguments_and_runs_the_rest_the_usual_way(catalogue):
    fixed = FixedQuery(_shelves, most=2)

    answers = {limit: _seen(fixed(limit)) for limit in (1, 2, 3, 4, 5)}

    assert answers == {limit: _seen(list(_shelves(limit))) for limit in (1, 2, 3, 4, 5)}
    assert len(fixed._querysets) == 2 and len(fixed._compiled) == 2  # one database here
    with mock.patch.object(SQLCompiler, "pre_sql_setup", autospec=True, side_effect=SQLCompiler.pre_sql_setup) as built:
        fixed(1)
        assert built.call_count == 0  # one it keeps
        fixed(5)
        assert built.call_count > 0  # one it does not
