"""Posting a review from the product page."""

import pytest

from reviews.models import Review
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_the_product_page_shows_reviews_and_the_form(client, buyer, product):
    ReviewFactory(product=product, text="Solid kettle")
    client.force_login(buyer)

    page = client.get(product.get_absolute_url()).content.decode()

    assert "Solid kettle" in page
    assert f'action="/products/{product.pk}/reviews/"' in page


def test_posting_a_review_from_the_page(client, buyer, product):
    client.force_login(buyer)

    response = client.post(f"/products/{product.pk}/reviews/", {"rating": "4", "text": "Nice"}, follow=True)

    assert Review.objects.get().rating == 4
    assert "Thank you for your review" in response.content.decode()


def test_a_second_review_shows_why_it_was_refused(client, buyer, product):
    ReviewFactory(product=product, author=buyer)
    client.force_login(buyer)

    response = client.post(f"/products/{product.pk}/reviews/", {"rating": "2"}, follow=True)

    assert "already reviewed" in response.content.decode()
    assert Review.objects.count() == 1


def test_guests_are_sent_to_log_in(client, product):
    response = client.post(f"/products/{product.pk}/reviews/", {"rating": "5"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Review.objects.exists()


def test_review_text_is_escaped(client, product):
    ReviewFactory(product=product, text="<script>alert('x')</script>")

    page = client.get(product.get_absolute_url()).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
