"""Privilege escalation through the back-office, checked over every registered ModelAdmin.

Finding: staff could make themselves superuser and reset a superuser's password. The checks
below walk `admin.site._registry` (not a hand-picked list), so a model registered tomorrow
is checked too: a buyer enters nothing, a seller touches only rows of their own shop, and
staff who are not superusers grant no privilege and take over no other staff account.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import PASSWORD, SellerFactory, StaffFactory
from catalog.tests.factories import ProductFactory
from orders.tests.factories import order_for
from reviews.tests.factories import ReviewFactory
from shop.admin_permissions import SellerScopedAdmin

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTRY]
# Fields that grant power over the whole site: only a superuser may set them.
PRIVILEGE_FIELDS = {"is_superuser", "is_staff", "groups", "user_permissions"}


@pytest.fixture
def world(buyer, seller, other_seller):
    """A row of every kind, some of them another seller's, so no check below looks at an empty table."""
    theirs = ProductFactory(seller=other_seller)
    ProductFactory(seller=seller)
    order_for(buyer, (theirs, 1))
    ReviewFactory(product=theirs)
    return {"superuser": User.objects.create_superuser("root@example.com", PASSWORD)}


def _user_form(user, **fields) -> dict:
    """The back-office's user change form as a browser posts it, with `fields` changed."""
    form = {
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "role": user.role,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    return {**form, **fields}


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=IDS)
def test_risk_a_buyer_enters_no_admin_page(client, buyer, world, model, model_admin):
    client.force_login(buyer)

    for url in (_url(model, "changelist"), _url(model, "add")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=IDS)
def test_risk_a_seller_reaches_rows_of_other_shops(client, rf, seller, world, model, model_admin):
    client.force_login(seller)
    listing = client.get(_url(model, "changelist"))

    if not isinstance(model_admin, SellerScopedAdmin):
        assert listing.status_code == 403, f"{model._meta.label} admits sellers but is not seller-scoped"
        assert client.get(_url(model, "add")).status_code == 403
        return
    request = rf.get("/")
    request.user = seller
    owners = set(model_admin.get_queryset(request).values_list(model_admin.seller_field, flat=True))
    foreign = model._default_manager.exclude(**{model_admin.seller_field: seller}).first()
    assert foreign is not None, "the check needs another shop's row"
    assert owners <= {seller.pk}
    assert listing.status_code == 200
    assert client.get(_url(model, "change", foreign.pk)).status_code == 302  # "does not exist" for this user
    assert client.post(_url(model, "delete", foreign.pk), {"post": "yes"}).status_code in (302, 403)
    assert model._default_manager.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=IDS)
def test_risk_staff_grant_themselves_privileges_through_any_admin_form(client, staff, world, model, model_admin):
    """No add or change form shown to staff who are not superusers carries a privilege field."""
    client.force_login(staff)
    objects = list(model._default_manager.all()[:3])
    if model is User:
        objects = [staff, world["superuser"]]

    pages = [_url(model, "add")] + [_url(model, "change", obj.pk) for obj in objects]
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or "adminform" not in response.context:
            continue
        offered = set(response.context["adminform"].form.fields)
        assert not offered & PRIVILEGE_FIELDS, f"{url} offers {offered & PRIVILEGE_FIELDS}"


def test_risk_staff_make_themselves_superuser(client, staff, world):
    client.force_login(staff)

    client.post(_url(User, "change", staff.pk), _user_form(staff, is_staff="on", is_superuser="on"))

    staff.refresh_from_db()
    assert not staff.is_superuser


def test_risk_staff_reset_a_superusers_or_another_staff_members_password(client, staff, world):
    colleague = StaffFactory()
    client.force_login(staff)

    for victim in (world["superuser"], colleague):
        page = client.get(f"/admin/accounts/user/{victim.pk}/password/")
        posted = client.post(
            f"/admin/accounts/user/{victim.pk}/password/",
            {"password1": "taken-over-pass-99", "password2": "taken-over-pass-99", "usable_password": "true"},
        )
        victim.refresh_from_db()
        assert page.status_code == 403 and posted.status_code == 403
        assert victim.check_password(PASSWORD)


def test_risk_staff_take_over_a_superuser_by_changing_their_email(client, staff, world):
    root = world["superuser"]
    client.force_login(staff)

    response = client.post(
        _url(User, "change", root.pk),
        {"email": "mine@example.com", "role": Role.STAFF, "is_active": "on"},
    )

    root.refresh_from_db()
    assert response.status_code == 403 and root.email == "root@example.com"


def test_risk_staff_promote_a_buyer_to_staff(client, staff, buyer, world):
    client.force_login(staff)

    client.post(_url(User, "change", buyer.pk), _user_form(buyer, role=Role.STAFF, is_staff="on"))

    buyer.refresh_from_db()
    assert buyer.role == Role.BUYER and not buyer.is_staff


def test_staff_still_manage_buyers_and_sellers(client, staff, world):
    target = SellerFactory(first_name="Old")
    client.force_login(staff)

    response = client.post(_url(User, "change", target.pk), _user_form(target, first_name="New"))

    target.refresh_from_db()
    assert response.status_code == 302 and target.first_name == "New"


def test_a_superuser_grants_staff(client, buyer, world):
    client.force_login(world["superuser"])

    response = client.post(_url(User, "change", buyer.pk), _user_form(buyer, role=Role.STAFF, is_staff="on"))

    buyer.refresh_from_db()
    assert response.status_code == 302 and buyer.is_staff and buyer.role == Role.STAFF
