"""Sign-up, login, refresh, /me and sellers, through the REST API."""

import pytest
from django.core import mail

from accounts.models import Role, User
from accounts.tests.factories import PASSWORD, confirm_from_mail

pytestmark = pytest.mark.django_db


def test_signup_answers_202_and_mails_a_link_that_confirms_the_buyer_and_returns_tokens(api):
    response = api.post("/api/v1/auth/signup", {"email": "Ann@Example.com", "password": "a-long-secret-42"})

    assert response.status_code == 202, response.json()
    assert response.json()["email"] == "ann@example.com" and response.json()["detail"]
    waiting = User.objects.get(email="ann@example.com")
    assert (waiting.is_active, waiting.awaiting_confirmation) == (False, True)
    assert (
        api.post("/api/v1/auth/login", {"email": "ann@example.com", "password": "a-long-secret-42"}).status_code == 401
    )

    confirmed = confirm_from_mail(api, "ann@example.com", "a-long-secret-42")

    assert confirmed.status_code == 200, confirmed.json()
    body = confirmed.json()
    assert body["user"]["email"] == "ann@example.com" and body["user"]["role"] == "buyer"
    assert body["access"] and body["refresh"]
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['access']}").status_code == 200
    assert User.objects.get(email="ann@example.com").is_active


def test_signup_as_seller_opens_a_shop_once_confirmed(api):
    response = api.post(
        "/api/v1/auth/signup",
        {"email": "s@example.com", "password": "a-long-secret-42", "role": "seller", "shop_name": "Tea & Co"},
    )
    assert response.status_code == 202, response.json()
    assert api.get("/api/v1/sellers").json()["count"] == 0  # not before the address is confirmed

    assert confirm_from_mail(api, "s@example.com", "a-long-secret-42").status_code == 200

    profile = User.objects.get(email="s@example.com").seller_profile
    assert (profile.shop_name, profile.slug) == ("Tea & Co", "tea-co")
    assert [shop["shop_name"] for shop in api.get("/api/v1/sellers").json()["results"]] == ["Tea & Co"]


def test_confirming_needs_the_password_of_the_sign_up(api):
    api.post("/api/v1/auth/signup", {"email": "p@example.com", "password": "a-long-secret-42"})

    response = confirm_from_mail(api, "p@example.com", "somebody-elses-secret-7")

    assert response.status_code == 400 and "password" in response.json()["errors"]
    assert not User.objects.get(email="p@example.com").is_active


def test_a_confirmation_link_works_once(api):
    api.post("/api/v1/auth/signup", {"email": "once@example.com", "password": "a-long-secret-42"})
    assert confirm_from_mail(api, "once@example.com", "a-long-secret-42").status_code == 200

    again = confirm_from_mail(api, "once@example.com", "a-long-secret-42")

    assert again.status_code == 400 and "not valid any more" in again.json()["detail"]


def test_signing_up_again_before_confirming_replaces_the_sign_up_and_voids_the_first_link(api):
    api.post("/api/v1/auth/signup", {"email": "twice@example.com", "password": "first-secret-42"})
    first_mail = mail.outbox[-1]
    api.post("/api/v1/auth/signup", {"email": "twice@example.com", "password": "second-secret-42"})

    stale = confirm_from_mail(api, "twice@example.com", "first-secret-42", message=first_mail)
    fresh = confirm_from_mail(api, "twice@example.com", "second-secret-42")

    assert stale.status_code == 400
    assert fresh.status_code == 200
    assert User.objects.filter(email="twice@example.com").count() == 1


def test_a_forged_link_is_refused_with_a_reason(api, buyer):
    response = api.post("/api/v1/auth/confirm", {"uid": "Mw", "token": "abc-123", "password": PASSWORD})
    garbage = api.post("/api/v1/auth/confirm", {"uid": "!!!", "token": "x", "password": PASSWORD})

    assert response.status_code == garbage.status_code == 400
    assert "sign up again" in response.json()["detail"]


def test_an_account_staff_switched_off_is_not_switched_on_by_signing_up(api, buyer):
    User.objects.filter(pk=buyer.pk).update(is_active=False)

    response = api.post("/api/v1/auth/signup", {"email": buyer.email, "password": "a-long-secret-42"})

    assert response.status_code == 202
    assert "already has an account" in mail.outbox[-1].body  # no link to confirm
    assert "/signup/confirm/" not in mail.outbox[-1].body
    assert not User.objects.get(pk=buyer.pk).is_active


def test_signup_as_seller_without_a_shop_name_is_refused(api):
    response = api.post(
        "/api/v1/auth/signup", {"email": "s@example.com", "password": "a-long-secret-42", "role": "seller"}
    )

    assert response.status_code == 400
    assert "shop_name" in response.json()["errors"]
    assert not User.objects.filter(email="s@example.com").exists()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_signup_cannot_grant_staff(api, role):
    response = api.post("/api/v1/auth/signup", {"email": "x@example.com", "password": "a-long-secret-42", "role": role})

    assert response.status_code == 400
    assert not User.objects.filter(email="x@example.com").exists()


def test_signup_refuses_a_weak_password_with_a_reason(api):
    response = api.post("/api/v1/auth/signup", {"email": "w@example.com", "password": "12345678"})

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert response.json()["detail"]


def test_login_answers_access_and_refresh_tokens(api, buyer):
    response = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD})

    assert response.status_code == 200
    assert set(response.json()) >= {"access", "refresh"}


def test_login_with_a_wrong_password_answers_401(api, buyer):
    response = api.post("/api/v1/auth/login", {"email": buyer.email, "password": "wrong"})

    assert response.status_code == 401
    assert response.json()["detail"]


def test_login_is_throttled(api, buyer, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    codes = [api.post("/api/v1/auth/login", {"email": buyer.email, "password": "wrong"}).status_code for _ in range(12)]

    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]


def test_refresh_gives_a_new_access_token(api, buyer):
    tokens = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}).json()

    response = api.post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]})

    assert response.status_code == 200
    assert response.json()["access"]


def test_me_needs_a_token(api):
    assert api.get("/api/v1/me").status_code == 401


def test_me_answers_the_signed_in_user(api, buyer):
    access = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}).json()["access"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["email"] == buyer.email
    assert response.json()["role"] == Role.BUYER


def test_me_cannot_change_its_own_role(api_as, buyer):
    response = api_as(buyer).patch("/api/v1/me", {"role": "staff", "is_staff": True, "first_name": "Bo"})

    buyer.refresh_from_db()
    assert response.status_code == 200
    assert (buyer.role, buyer.is_staff, buyer.first_name) == (Role.BUYER, False, "Bo")


def test_sellers_are_listed_and_readable(api, seller):
    listing = api.get("/api/v1/sellers")
    detail = api.get(f"/api/v1/sellers/{seller.seller_profile.pk}")

    assert listing.status_code == 200
    assert [s["shop_name"] for s in listing.json()["results"]] == [seller.seller_profile.shop_name]
    assert detail.json()["slug"] == seller.seller_profile.slug


def test_unknown_seller_answers_404(api, db):
    assert api.get("/api/v1/sellers/999999").status_code == 404


def test_a_seller_edits_their_own_shop_but_not_another(api_as, seller, other_seller):
    own = api_as(seller).patch(f"/api/v1/sellers/{seller.seller_profile.pk}", {"description": "New"})
    other = api_as(seller).patch(f"/api/v1/sellers/{other_seller.seller_profile.pk}", {"description": "Hacked"})

    other_seller.seller_profile.refresh_from_db()
    assert own.status_code == 200 and own.json()["description"] == "New"
    assert other.status_code == 403
    assert other_seller.seller_profile.description != "Hacked"


def test_the_sign_up_mail_goes_out_from_the_request_when_the_broker_does_not_answer(api, monkeypatch):
    from kombu.exceptions import OperationalError

    from shop.tasks import send_mail_message

    def broker_down(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_mail_message, "delay", broker_down)

    response = api.post("/api/v1/auth/signup", {"email": "nobroker@example.com", "password": "a-long-secret-42"})

    assert response.status_code == 202
    assert [message.to for message in mail.outbox] == [["nobroker@example.com"]]
    assert confirm_from_mail(api, "nobroker@example.com", "a-long-secret-42").status_code == 200
