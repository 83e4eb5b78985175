"""The catalogue page's filter form: what it shows entered and selected, with and without filters."""

import pytest

from accounts.tests.factories import SellerFactory
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _page(client, query: str = "") -> str:
    response = client.get(f"/products/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_without_filters_nothing_is_selected_or_entered(client):
    CategoryFactory(name="Lamps")
    SellerFactory(profile__shop_name="Bright & <Co>")

    for page in (_page(client), _page(client, "?page=2")):  # a page number is not a filter
        assert " selected" not in page and " checked" not in page
        assert 'name="q" maxlength="200" value=""' in page
        assert "Bright &amp; &lt;Co&gt;" in page  # shop names are escaped
        assert '<option value="newest">Newest</option>' in page


def test_the_filters_in_the_address_are_shown_selected(client):
    lamps = CategoryFactory(name="Lamps")
    shop = SellerFactory(profile__shop_name="Lamp Corner")
    ProductFactory(category=lamps, seller=shop, title="Desk lamp", stock=3)

    page = _page(client, f"?category={lamps.pk}&seller={shop.pk}&in_stock=true&ordering=-price&q=desk&min_price=1")

    assert f'<option value="{lamps.pk}" selected>Lamps</option>' in page
    assert f'<option value="{shop.pk}" selected>Lamp Corner</option>' in page
    assert '<option value="-price" selected>Price: high to low</option>' in page
    assert 'value="true" checked' in page and 'value="desk"' in page and 'name="min_price"' in page
    assert "Desk lamp" in page


def test_a_filter_that_is_not_valid_says_so(client):
    page = _page(client, "?min_price=lots")
    assert 'class="error"' in page
