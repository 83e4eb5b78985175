"""Password storage: Argon2id for new hashes, and older PBKDF2 hashes upgraded at their next login.

The other tests hash with MD5 for speed (conftest.py); these use the project's real hashers.
"""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

from accounts.models import User
from accounts.tests.factories import PASSWORD
from config import settings as project_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def real_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_risk_weak_password_storage_new_passwords_are_hashed_with_argon2id(api):
    response = api.post(
        "/api/v1/auth/signup", {"email": "new@example.com", "password": PASSWORD, "role": "buyer"}, format="json"
    )

    assert response.status_code == 202
    stored = User.objects.get(email="new@example.com").password
    assert stored.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$"), stored[:40]  # OWASP's parameters


def test_a_pbkdf2_password_still_logs_in_and_is_upgraded_to_argon2id(api, buyer):
    User.objects.filter(pk=buyer.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )  # as stored before Argon2id

    response = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert User.objects.get(pk=buyer.pk).password.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    wrong = api.post("/api/v1/auth/login", {"email": buyer.email, "password": "not-it-at-all-1"}, format="json")
    assert wrong.status_code == 401


def test_a_hash_made_with_djangos_own_argon2_parameters_is_redone_with_ours(api, buyer):
    stock = Argon2PasswordHasher()
    User.objects.filter(pk=buyer.pk).update(password=stock.encode(PASSWORD, stock.salt()))
    assert "m=102400" in User.objects.get(pk=buyer.pk).password  # Django's stock parameters

    login = api.post("/api/v1/auth/login", {"email": buyer.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200

    assert "m=47104,t=1,p=1" in User.objects.get(pk=buyer.pk).password
