"""Sign-up, login and password pages."""

import re

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_page_creates_the_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password": "a-long-secret-42", "role": "buyer"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.context["user"].email == "new@example.com"


def test_signup_page_shows_the_reason_for_a_taken_email(client, buyer):
    response = client.post("/accounts/signup/", {"email": buyer.email, "password": "a-long-secret-42", "role": "buyer"})

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email=buyer.email).count() == 1


def test_login_page_accepts_the_email(client, buyer):
    response = client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/").context["user"] == buyer


def test_logout_needs_a_post(client, buyer):
    client.force_login(buyer)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_sends_a_working_link(client, buyer):
    client.post("/accounts/password/reset/", {"email": buyer.email})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "another-secret-77", "new_password2": "another-secret-77"}
    )
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.check_password("another-secret-77")


def test_password_reset_does_not_reveal_unknown_emails(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)

    assert response.status_code == 200
    assert "If an account uses that address" in response.content.decode()
    assert mail.outbox == []


def test_password_change(client, buyer):
    client.force_login(buyer)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "another-secret-77", "new_password2": "another-secret-77"},
    )

    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.check_password("another-secret-77")


def test_seller_edits_the_shop_profile(client, seller):
    client.force_login(seller)

    response = client.post("/accounts/shop/", {"shop_name": "Renamed", "description": "Hello"})

    seller.seller_profile.refresh_from_db()
    assert response.status_code == 302
    assert seller.seller_profile.shop_name == "Renamed"


def test_a_buyer_has_no_shop_profile_page(client, buyer):
    client.force_login(buyer)

    assert client.get("/accounts/shop/").status_code == 404
