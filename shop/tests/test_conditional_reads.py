"""Conditional reads: an app revalidates its copy with If-None-Match and gets 304 while nothing changed."""

import pytest

from shop.api import conditional

pytestmark = pytest.mark.django_db


def test_an_unchanged_product_answers_304_without_a_body(api, product):
    first = api.get(f"/api/v1/products/{product.pk}")

    again = api.get(f"/api/v1/products/{product.pk}", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    assert "Authorization" in first["Vary"]


def test_a_change_gives_a_new_etag_and_the_full_answer(api, api_as, product):
    etag = api.get(f"/api/v1/products/{product.pk}")["ETag"]
    api_as(product.seller).patch(f"/api/v1/products/{product.pk}", {"price": "11.00"}, format="json")

    answer = api.get(f"/api/v1/products/{product.pk}", HTTP_IF_NONE_MATCH=etag)

    assert answer.status_code == 200 and answer.json()["price"] == "11.00" and answer["ETag"] != etag


def test_lists_revalidate_too_and_any_of_several_tags_matches(api, api_as, buyer, product):
    for url, client in (
        ("/api/v1/products", api),
        ("/api/v1/categories", api),
        ("/api/v1/sellers", api),
        (f"/api/v1/products/{product.pk}/comments", api),
        ("/api/v1/purchases", api_as(buyer)),
    ):
        etag = client.get(url)["ETag"]

        assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304, url
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200, url


def test_writes_and_errors_carry_no_etag(api, api_as, seller, product):
    assert "ETag" not in api.get("/api/v1/products/999999")
    assert "ETag" not in api_as(seller).patch(f"/api/v1/products/{product.pk}", {"stock": 3}, format="json")


def test_presigned_urls_do_not_change_the_tag_within_half_their_lifetime(monkeypatch):
    signed = b'{"url": "http://s3/p/1.jpg?X-Amz-Algorithm=AWS4&X-Amz-Date=%s&X-Amz-Signature=%s", "price": "1.00"}'
    clock = iter([1000.0, 1001.0, 1000.0 + 1800, 1000.0])
    monkeypatch.setattr(conditional.time, "time", lambda: next(clock))

    now = conditional.etag_for(signed % (b"20260101T000000Z", b"aaa"))
    a_second_later = conditional.etag_for(signed % (b"20260101T000001Z", b"bbb"))
    half_an_hour_later = conditional.etag_for(signed % (b"20260101T003000Z", b"ccc"))
    another_price = conditional.etag_for((signed % (b"20260101T000000Z", b"aaa")).replace(b"1.00", b"2.00"))

    assert now == a_second_later
    assert half_an_hour_later != now  # the copy's URLs are getting old: send fresh ones
    assert another_price != now
