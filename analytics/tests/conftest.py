"""Fixtures the analytics tests share."""

from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def shop(seller, other_seller):
    kitchen, garden = CategoryFactory(name="Kitchen"), CategoryFactory(name="Garden")
    return {
        "kettle": ProductFactory(seller=seller, category=kitchen, price=Decimal("19.99"), stock=50),
        "spoon": ProductFactory(seller=seller, category=kitchen, price=Decimal("0.01"), stock=50),
        "mower": ProductFactory(seller=other_seller, category=garden, price=Decimal("1234.56"), stock=50),
    }
