"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Cheap password hashing, uploads in a temporary folder, throttles reset per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """An API client that sends a real JWT for the given user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client

    return make


@pytest.fixture
def buyer(db):
    from accounts.tests.factories import BuyerFactory

    return BuyerFactory()


@pytest.fixture
def seller(db):
    from accounts.tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def other_seller(db):
    from accounts.tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def staff(db):
    from accounts.tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def product(seller):
    from catalog.tests.factories import ProductFactory

    return ProductFactory(seller=seller, stock=10)
