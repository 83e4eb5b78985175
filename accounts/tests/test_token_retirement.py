"""Finding: a password change or reset did not retire API tokens, so a stolen refresh token kept
renewing itself after the victim reset their password.

Every refresh token of the account is retired when its password changes, whichever way (reset
link, the password page, the back-office, a command), and on "log out everywhere". Access
tokens die with their short lifetime (ACCESS_TOKEN_EXPIRE_MINUTES).
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-pass-77"


def _stolen_refresh(api, user) -> str:
    response = api.post("/api/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["refresh"]


def _refreshes(api, refresh: str) -> bool:
    return api.post("/api/v1/auth/refresh", {"refresh": refresh}, format="json").status_code == 200


def test_risk_a_stolen_refresh_token_survives_a_password_reset(api, client, buyer):
    stolen = _stolen_refresh(api, buyer)
    client.post("/accounts/password/reset/", {"email": buyer.email})
    link = re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)

    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert User.objects.get(pk=buyer.pk).check_password(NEW_PASSWORD)
    assert not _refreshes(api, stolen)


def test_risk_a_stolen_refresh_token_survives_a_password_change(api, client, buyer):
    stolen = _stolen_refresh(api, buyer)
    client.force_login(buyer)

    done = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302
    assert not _refreshes(api, stolen)


def test_risk_a_stolen_refresh_token_survives_a_password_set_by_staff_or_a_command(api, client, buyer):
    stolen, also_stolen = _stolen_refresh(api, buyer), _stolen_refresh(api, buyer)
    client.force_login(User.objects.create_superuser("root@example.com", PASSWORD))

    client.post(
        f"/admin/accounts/user/{buyer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert not _refreshes(api, stolen)

    user = User.objects.get(pk=buyer.pk)
    user.set_password(PASSWORD)
    user.save()
    assert not _refreshes(api, also_stolen)


def test_risk_logging_out_everywhere_leaves_other_devices_signed_in(api, buyer):
    phone, laptop = _stolen_refresh(api, buyer), _stolen_refresh(api, buyer)
    access = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}, format="json").json()

    response = api.post(
        "/api/v1/auth/logout-everywhere", {}, format="json", HTTP_AUTHORIZATION=f"Bearer {access['access']}"
    )

    assert response.status_code == 200, response.content
    assert response.json()["retired"] == 3
    assert not _refreshes(api, phone) and not _refreshes(api, laptop) and not _refreshes(api, access["refresh"])
    assert _refreshes(api, _stolen_refresh(api, buyer))  # logging in again works


def test_logging_out_everywhere_needs_a_signed_in_user(api, db):
    response = api.post("/api/v1/auth/logout-everywhere", {}, format="json")

    assert response.status_code == 401 and response.json()["detail"]


def test_a_password_hash_upgrade_at_login_is_not_a_password_change(api, buyer, settings):
    """Logging in re-hashes an older hash (PBKDF2 to Argon2id): that must not sign the other devices out."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    phone = _stolen_refresh(api, buyer)  # logged in with the MD5 hash, which is now re-hashed
    assert User.objects.get(pk=buyer.pk).password.startswith("pbkdf2_sha1$")

    assert _refreshes(api, phone)


def test_changepassword_command_retires_tokens(api, buyer, monkeypatch):
    stolen = _stolen_refresh(api, buyer)
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda *args, **kwargs: next(answers))

    call_command("changepassword", buyer.email, stdout=None)

    assert not _refreshes(api, stolen)
