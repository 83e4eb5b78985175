"""Reads kept in the shared cache until their topic changes (shop/shared_reads.py), and the storefront's
category and shop choices that use them."""

import pytest

from accounts.tests.factories import PASSWORD, confirm_from_mail
from catalog.tests.factories import CategoryFactory
from shop import shared_reads
from shop.shared_reads import forget, shared_read

pytestmark = pytest.mark.django_db

calls: list[str] = []


@shared_read(topics=("tests-colours",))
def colours() -> list[str]:
    calls.append("read")
    return ["red", "blue"]


@pytest.fixture(autouse=True)
def _count():
    calls.clear()


def test_read_once_then_shared():
    assert colours() == colours() == ["red", "blue"]
    assert calls == ["read"]


def test_other_processes_read_the_cache_not_the_database():
    colours()
    shared_reads.drop_local_copies()  # another process: nothing of its own yet
    colours()
    assert calls == ["read"]


def test_a_change_is_read_again_once_it_commits(django_capture_on_commit_callbacks):
    colours()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        forget("tests-colours")
        colours()  # not committed yet: the old copy still holds
    assert calls == ["read"]

    for callback in pending:
        callback()
    colours()
    assert calls == ["read", "read"]


def test_a_copy_stored_after_a_change_is_not_read(settings, django_capture_on_commit_callbacks):
    """A page that read the rows before the change and stores them after it stores them under the old
    generation: nobody reads that copy."""
    settings.SHARED_READS_LOCAL_SECONDS = 0
    from django.core.cache import cache
    from django.utils import translation

    old = shared_reads._generations(("tests-colours",))
    with django_capture_on_commit_callbacks(execute=True):
        forget("tests-colours")
    cache.set(shared_reads._value_key(f"{__name__}.colours", translation.get_language(), old), ["stale"])

    assert colours() == ["red", "blue"]


def test_other_processes_see_a_change_within_their_local_seconds(settings, django_capture_on_commit_callbacks):
    colours()
    settings.SHARED_READS_LOCAL_SECONDS = 0  # as if those seconds had passed: the cache is asked again
    colours()
    assert calls == ["read"]
    with django_capture_on_commit_callbacks(execute=True):
        forget("tests-colours")
    colours()
    assert calls == ["read", "read"]


def test_without_a_cache_every_read_goes_to_the_database(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.SHARED_READS_LOCAL_SECONDS = 0
    colours()
    colours()
    assert calls == ["read", "read"]


def test_a_new_category_is_in_the_catalogue_filter_at_once(client, api_as, staff, django_capture_on_commit_callbacks):
    CategoryFactory(name="Lamps")
    assert "Lamps" in client.get("/products/").content.decode()
    assert "Lamps" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        created = api_as(staff).post("/api/v1/categories", {"name": "Kettles"})
    assert created.status_code == 201

    assert "Kettles" in client.get("/products/").content.decode()
    assert "Kettles" in client.get("/").content.decode()


def test_a_confirmed_shop_is_in_the_catalogue_filter_at_once(client, api, django_capture_on_commit_callbacks):
    client.get("/products/")  # the choices are cached without the new shop
    signed_up = api.post(
        "/api/v1/auth/signup",
        {"email": "lamps@example.com", "password": PASSWORD, "role": "seller", "shop_name": "Lamp Corner"},
        format="json",
    )
    assert signed_up.status_code == 202
    assert "Lamp Corner" not in client.get("/products/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_from_mail(api, "lamps@example.com", PASSWORD).status_code == 200

    assert "Lamp Corner" in client.get("/products/").content.decode()
