"""The catalogue API's plain-filter path (catalog/api/filtering.py) gives what the filter set gives."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from catalog import selectors
from catalog.api.filtering import _plainly_filtered
from catalog.filters import ProductFilter
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

PLAIN = [
    "in_stock=true&min_price=10&ordering=price",
    "in_stock=false",
    "q=Lamp&ordering=-price",
    "q=%20lamp%20",
    "min_price=5.5&max_price=20.25&ordering=title",
    "ordering=rating",
    "ordering=oldest&q=",
]
NOT_PLAIN = ["in_stock=1", "min_price=1e3", "min_price=-1", "category=01", "ordering=", "category=", "max_price=1."]


@pytest.fixture
def shelf(seller, other_seller):
    lamps, desks = CategoryFactory(name="Lamps"), CategoryFactory(name="Desks")
    for n in range(12):
        ProductFactory(
            seller=seller if n % 2 else other_seller,
            category=lamps if n % 3 else desks,
            title=f"{'Lamp' if n % 4 else 'Desk'} {n}",
            price=Decimal(3 + n * 2),
            stock=n % 3,
        )
    return {"lamps": lamps, "seller": seller}


def _filter_set(query: str):
    return ProductFilter(QueryDict(query), queryset=selectors.visible_products())


@pytest.mark.parametrize("query", PLAIN)
def test_plain_filters_match_the_filter_set(shelf, query):
    values = {name: value for name, value in QueryDict(query).items() if name in ProductFilter.base_filters}
    plain = _plainly_filtered(ProductFilter, selectors.visible_products(), values)

    assert plain is not None
    assert str(plain.query) == str(_filter_set(query).qs.query)
    assert list(plain) == list(_filter_set(query).qs)


def test_ids_match_the_filter_set(shelf):
    query = f"category={shelf['lamps'].pk}&seller={shelf['seller'].pk}&ordering=-price"
    values = dict(QueryDict(query).items())
    plain = _plainly_filtered(ProductFilter, selectors.visible_products(), values)
    assert [p.pk for p in plain] == [p.pk for p in _filter_set(query).qs]


@pytest.mark.parametrize("query", NOT_PLAIN)
def test_anything_else_is_left_to_the_filter_set(query):
    assert _plainly_filtered(ProductFilter, selectors.visible_products(), dict(QueryDict(query).items())) is None


@pytest.mark.parametrize("query", ["min_price=-1", "seller=abc", "category=999999", "ordering=cheapest"])
def test_bad_filters_still_answer_the_filter_sets_400(api, query):
    answer = api.get(f"/api/v1/products?{query}")
    assert answer.status_code == 400 and answer.json()["errors"]
