"""Sign-up, login and password pages."""

import re

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import CONFIRMATION_LINK, PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_page_mails_a_link_and_confirming_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password": "a-long-secret-42", "role": "buyer"},
        follow=True,
    )

    assert response.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert "new@example.com" in response.content.decode() and "Check your inbox" in response.content.decode()
    link = CONFIRMATION_LINK.search(mail.outbox[-1].body).group(0)
    assert client.get(link).status_code == 200
    confirmed = client.post(link, {"password": "a-long-secret-42"}, follow=True)
    assert confirmed.status_code == 200
    assert confirmed.context["user"].email == "new@example.com"


def test_the_confirmation_page_says_what_went_wrong(client):
    client.post("/accounts/signup/", {"email": "new@example.com", "password": "a-long-secret-42", "role": "buyer"})
    link = CONFIRMATION_LINK.search(mail.outbox[-1].body).group(0)

    wrong = client.post(link, {"password": "not-the-one-I-chose-1"})
    forged = client.post("/accounts/signup/confirm/MQ/nope/", {"password": "a-long-secret-42"})

    assert "not the password of this sign-up" in wrong.content.decode()
    assert "sign up again" in forged.content.decode()
    assert not wrong.context["user"].is_authenticated


def test_signup_page_answers_a_taken_email_as_it_answers_a_new_one(client, buyer):
    taken = client.post(
        "/accounts/signup/", {"email": buyer.email, "password": "a-long-secret-42", "role": "buyer"}, follow=True
    )
    new = client.post(
        "/accounts/signup/",
        {"email": "fresh@example.com", "password": "a-long-secret-42", "role": "buyer"},
        follow=True,
    )

    assert taken.redirect_chain == new.redirect_chain == [("/accounts/signup/sent/", 302)]

    def without(page, email: bytes) -> bytes:  # the CSRF token (the language switcher's form) is masked anew each time
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page.content.replace(email, b""))

    assert without(taken, buyer.email.encode()) == without(new, b"fresh@example.com")
    assert User.objects.filter(email=buyer.email).count() == 1
    assert "already has an account" in mail.outbox[0].body and mail.outbox[0].to == [buyer.email]


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


def test_risk_mailed_links_follow_the_requests_host(client, api, buyer, settings):
    """An address ALLOWED_HOSTS lets through (an internal name, the app's port past the proxy) must
    not become the address people are sent to type their password: links start with SITE_URL."""
    import re

    from django.core import mail

    settings.SITE_URL = "https://shop.example.com"
    settings.ALLOWED_HOSTS = ["shop.example.com", "web", "testserver"]
    client.post("/accounts/password/reset/", {"email": buyer.email}, HTTP_HOST="web:8000")
    api.post(
        "/api/v1/auth/signup",
        {"email": "new@example.com", "password": "a-long-pass-phrase-9"},
        format="json",
        HTTP_HOST="web:8000",
    )

    links = [re.search(r"\S+://\S+", message.body).group(0) for message in mail.outbox]
    assert len(links) == 2
    assert all(link.startswith("https://shop.example.com/accounts/") for link in links), links
