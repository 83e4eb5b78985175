"""API errors in Russian: every kind of refusal a client can meet, asked for in Russian, answers
in Russian (Content-Language: ru, `detail` and each field message), with no English word of ours."""

import re

import pytest
from rest_framework.test import APIClient

from catalog.tests.factories import CategoryFactory, ProductFactory
from shop.tests.english import english_in, english_words, prose

pytestmark = pytest.mark.django_db

RUSSIAN = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.8"}


def _calls(buyer, seller, product):
    """(name, client, method, path, body, extra) for each refusal."""
    anonymous = APIClient()
    as_buyer, as_seller = APIClient(), APIClient()
    as_buyer.force_authenticate(buyer)
    as_seller.force_authenticate(seller)
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    malformed = APIClient()
    malformed.credentials(HTTP_AUTHORIZATION="Bearer")
    return [
        ("unknown product", anonymous, "get", "/api/v1/products/999999", None, {}),
        ("not signed in", anonymous, "get", "/api/v1/me", None, {}),
        ("bad token", forged, "get", "/api/v1/me", None, {}),
        ("malformed header", malformed, "get", "/api/v1/me", None, {}),
        ("wrong password", anonymous, "post", "/api/v1/auth/login", {"email": buyer.email, "password": "x"}, {}),
        ("not staff", as_buyer, "post", "/api/v1/categories", {"name": "Sneaky"}, {}),
        ("bad fields", as_seller, "post", "/api/v1/products", {"title": "", "price": "-1", "stock": "many"}, {}),
        ("missing fields", as_buyer, "post", "/api/v1/cart", {}, {}),
        ("too many", as_buyer, "post", "/api/v1/cart", {"product": product.pk, "quantity": 500}, {}),
        ("empty cart", as_buyer, "post", "/api/v1/purchases", {}, {}),
        ("page size", anonymous, "get", "/api/v1/products?page_size=0", None, {}),
        ("page out of range", anonymous, "get", "/api/v1/products?page=999", None, {}),
        ("bad cursor", anonymous, "get", "/api/v1/products?cursor=garbage", None, {}),
        ("page and cursor", anonymous, "get", "/api/v1/products?page=1&cursor=garbage", None, {}),
        ("bad filter", anonymous, "get", "/api/v1/products?category=999999", None, {}),
        ("bad price range", anonymous, "get", "/api/v1/search?min_price=10&max_price=1", None, {}),
        ("wrong method", anonymous, "put", "/api/v1/categories", {}, {}),
        ("not json", as_buyer, "post", "/api/v1/cart", "product=1", {"content_type": "text/plain"}),
        ("broken json", as_buyer, "post", "/api/v1/cart", "{", {"content_type": "application/json"}),
        ("too large", as_buyer, "post", "/api/v1/cart", "x" * 2_000_000, {"content_type": "application/json"}),
    ]


def test_every_refusal_asked_for_in_russian_answers_in_russian(buyer, seller):
    product = ProductFactory(seller=seller, stock=2, title="Чайник")  # the shop's data, not our words
    CategoryFactory(name="Kitchen")
    english = english_words()
    found = {}
    for name, client, method, path, body, extra in _calls(buyer, seller, product):
        kwargs = {**RUSSIAN, **extra}
        if body is not None:
            kwargs["data"] = body
            kwargs.setdefault("format", None if "content_type" in extra else "json")
        response = getattr(client, method)(path, **kwargs)
        assert 400 <= response.status_code < 500, (name, response.status_code)
        answer = response.json()
        assert response["Content-Language"] == "ru", name
        fields = answer.get("errors", {})
        for message in [answer["detail"], *(message for messages in fields.values() for message in messages)]:
            # "price: ..." names the field the message is about: a name, not a word
            text = prose(re.sub(rf"^(?:{'|'.join(map(re.escape, fields)) or '$^'}): ", "", message))
            if not re.search("[а-яё]", text, re.IGNORECASE) or english_in(text, english):
                found.setdefault(name, []).append(message)

    assert not found, f"English in answers asked for in Russian: {found}"


def test_the_same_refusals_stay_english_for_an_english_client(buyer, seller):
    """The check above can fail: the same answers, asked for in English, carry English words of ours."""
    product = ProductFactory(seller=seller, stock=2)
    english = english_words()
    for name, client, method, path, body, extra in _calls(buyer, seller, product)[:6]:
        kwargs = {**extra, **({"data": body, "format": "json"} if body is not None else {})}
        response = getattr(client, method)(path, **kwargs)
        assert response["Content-Language"] == "en", name
        assert english_in(response.json()["detail"], english) or name == "bad token", (name, response.json())


def test_too_many_attempts_are_refused_in_russian_with_the_wait(api, buyer):
    """DRF words a throttle's wait after filling the seconds in, out of any catalogue's reach: the
    API says it with ours."""
    for _attempt in range(50):
        response = api.post("/api/v1/auth/login", {"email": buyer.email, "password": "wrong"}, format="json", **RUSSIAN)
        if response.status_code == 429:
            break
    assert response.status_code == 429
    detail = response.json()["detail"]
    assert re.search(r"Слишком много попыток.*\d+ секунд", detail), detail
    assert not english_in(prose(detail), english_words()), detail
