"""Security matrix, authentication rows: tokens that must be refused, rotation, logout, enumeration.

Each test is named after the risk it covers (docs/security.md lists them).
"""

import base64
import json
import re
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core import mail
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(api, user) -> dict:
    response = api.post("/api/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _me(api, token: str) -> int:
    return api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def _segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(buyer) -> dict:
    return dict(AccessToken.for_user(buyer).payload)


def test_risk_expired_access_token_is_refused(api, buyer):
    token = AccessToken.for_user(buyer)
    token.set_exp(lifetime=-timedelta(seconds=1))

    assert _me(api, str(token)) == 401


def test_risk_forged_signature_is_refused(api, buyer):
    forged = jwt.encode(_claims(buyer), "not-our-secret-key-but-long-enough-32b", algorithm="HS256")

    assert _me(api, forged) == 401


def test_risk_tampered_claims_are_refused(api, buyer, staff):
    header, _, signature = str(AccessToken.for_user(buyer)).split(".")
    claims = {**_claims(buyer), "user_id": str(staff.pk)}

    assert _me(api, f"{header}.{_segment(claims)}.{signature}") == 401


def test_risk_wrong_algorithm_is_refused(api, buyer):
    other = jwt.encode(_claims(buyer), settings.SECRET_KEY, algorithm="HS512")

    assert _me(api, other) == 401


def test_risk_alg_none_is_refused(api, buyer):
    unsigned = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_claims(buyer))}."

    assert _me(api, unsigned) == 401


def test_risk_a_refresh_token_is_not_an_access_token(api, buyer):
    assert _me(api, _login(api, buyer)["refresh"]) == 401


def test_risk_refresh_tokens_rotate_and_a_used_one_is_refused(api, buyer):
    first = _login(api, buyer)["refresh"]

    rotated = api.post("/api/v1/auth/refresh", {"refresh": first}, format="json")
    replayed = api.post("/api/v1/auth/refresh", {"refresh": first}, format="json")

    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first and _me(api, rotated.json()["access"]) == 200
    assert replayed.status_code == 401


def test_risk_logout_retires_the_refresh_token(api, buyer):
    tokens = _login(api, buyer)

    out = api.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}, format="json")
    again = api.post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]}, format="json")

    assert out.status_code == 204 and not out.content
    assert again.status_code == 401
    assert "detail" in again.json()


def test_risk_logout_with_garbage_is_a_clear_401(api, db):
    response = api.post("/api/v1/auth/logout", {"refresh": "not-a-token"}, format="json")

    assert response.status_code == 401 and response.json()["detail"]


def test_risk_signup_is_throttled(api, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": {"address": "2/hour", "account": "5/hour"}}
    answers = [
        api.post(
            "/api/v1/auth/signup", {"email": f"new{n}@example.com", "password": "a-long-pass-phrase-9"}, format="json"
        ).status_code
        for n in range(3)
    ]

    assert answers == [202, 202, 429]


def test_risk_user_enumeration_through_signup(api, buyer):
    taken = api.post("/api/v1/auth/signup", {"email": buyer.email, "password": "a-long-pass-phrase-9"}, format="json")
    new = api.post(
        "/api/v1/auth/signup", {"email": "new@example.com", "password": "a-long-pass-phrase-9"}, format="json"
    )

    assert taken.status_code == new.status_code == 202
    assert taken.json()["detail"] == new.json()["detail"]
    assert taken.json()["email"] == buyer.email and new.json()["email"] == "new@example.com"
    # What differs goes to the address's owner only: how to log in, or the link to confirm.
    assert [message.to for message in mail.outbox] == [[buyer.email], ["new@example.com"]]
    assert "already has an account" in mail.outbox[0].body and "/signup/confirm/" in mail.outbox[1].body
    assert User.objects.get(pk=buyer.pk).check_password(PASSWORD)  # the account is untouched


def test_risk_user_enumeration_through_password_reset(client, buyer):
    known = client.post("/accounts/password/reset/", {"email": buyer.email}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain

    # Every form on a page (the header's language switcher too) carries a CSRF token masked afresh
    # on each render: the only difference allowed.
    def page(response, email: str) -> bytes:
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content.replace(email.encode(), b""))

    assert page(known, buyer.email) == page(unknown, "nobody@example.com")


def test_risk_login_failure_does_not_say_whether_the_email_exists(api, buyer):
    wrong_password = api.post("/api/v1/auth/login", {"email": buyer.email, "password": "nope-nope-9"}, format="json")
    no_such_user = api.post("/api/v1/auth/login", {"email": "ghost@example.com", "password": "nope-9"}, format="json")

    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.json()["detail"] == no_such_user.json()["detail"]
