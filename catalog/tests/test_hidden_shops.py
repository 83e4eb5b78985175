"""Finding: unconfirmed and switched-off sellers' shop names were public.

Sign-up creates the shop before the address is confirmed, so anyone could put words on the
busiest pages (the catalogue's shop filter, search suggestions) without confirming anything;
a seller staff switched off stayed listed too. Only active sellers' shops are shown.
"""

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD, SellerFactory
from catalog.search import indexer

pytestmark = pytest.mark.django_db

INJECTED = "Zzcasino Wins Now"


@pytest.fixture
def hidden_shops(api, client):
    """A shop signed up but never confirmed, and one whose seller staff switched off in the back-office."""
    signed_up = api.post(
        "/api/v1/auth/signup",
        {"email": "spam@example.com", "password": "a-long-pass-phrase-9", "role": "seller", "shop_name": INJECTED},
        format="json",
    )
    assert signed_up.status_code == 202
    closed = SellerFactory(profile__shop_name="Zzclosed Shop Forever")
    client.force_login(User.objects.create_superuser("root@example.com", PASSWORD))
    switched_off = client.post(
        f"/admin/accounts/user/{closed.pk}/change/",
        {
            "email": closed.email,
            "role": "seller",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert switched_off.status_code == 302
    client.logout()
    return [INJECTED, "Zzclosed Shop Forever"]


def test_risk_unconfirmed_and_switched_off_sellers_shop_names_are_public(api, client, hidden_shops):
    SellerFactory(profile__shop_name="Zzopen Shop")
    pages = [
        client.get("/products/").content.decode(),
        client.get("/search/", {"q": "Zz", "type": "sellers"}).content.decode(),
        api.get("/api/v1/search/suggest", {"q": "Zz"}).content.decode(),
        api.get("/api/v1/search", {"q": "Zz", "type": "sellers"}).content.decode(),
        api.get("/api/v1/sellers").content.decode(),
    ]

    for page in pages:
        for name in hidden_shops:
            assert name not in page
    assert "Zzopen Shop" in pages[0] and "Zzopen Shop" in pages[2]


def test_risk_a_switched_off_shop_stays_in_the_search_engine(api, client, search_index, hidden_shops):
    indexer.process_queue()
    search_index.indices.refresh(index="_all")

    found = [api.get("/api/v1/search/suggest", {"q": "Zz"}).content.decode()]
    found.append(api.get("/api/v1/search", {"q": "Zzclosed", "type": "sellers"}).content.decode())

    assert all("Zzclosed" not in page and "Zzcasino" not in page for page in found), found


def test_risk_a_switched_off_sellers_products_still_name_the_shop(api, client):
    from catalog.tests.factories import ProductFactory

    seller = SellerFactory(profile__shop_name="Zzgone Shop")
    product = ProductFactory(seller=seller, title="Zz lamp")
    User.objects.filter(pk=seller.pk).update(is_active=False)  # switched off; the product left on sale

    shown = [
        api.get("/api/v1/products").content.decode(),
        api.get(f"/api/v1/products/{product.pk}").content.decode(),
        client.get("/products/").content.decode(),
        client.get(product.get_absolute_url()).content.decode(),
    ]

    assert "Zz lamp" in shown[0]
    for page in shown:
        assert "Zzgone Shop" not in page


def test_risk_a_kept_product_page_names_a_shop_switched_off_since(client, django_capture_on_commit_callbacks):
    """The product page is kept in the cache; switching its seller off (as the back-office does)
    starts a new generation of the shops, so the kept page is not served again."""
    from accounts import services as account_services
    from catalog.tests.factories import ProductFactory

    seller = SellerFactory(profile__shop_name="Zzlater Shop")
    product = ProductFactory(seller=seller, title="Zz kettle")
    assert "Zzlater Shop" in client.get(product.get_absolute_url()).content.decode()  # now kept

    with django_capture_on_commit_callbacks(execute=True):
        seller.is_active = False
        seller.save(update_fields=["is_active"])
        account_services.shop_visibility_changed(seller)

    assert "Zzlater Shop" not in client.get(product.get_absolute_url()).content.decode()
