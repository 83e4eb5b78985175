"""Product comments (reviews): one per user per product, verified purchases, moderation."""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.services import cancel_order
from orders.tests.factories import order_for
from reviews.models import Review
from reviews.services import set_hidden
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_comments(api, product):
    ReviewFactory(product=product, text="Lovely")

    response = api.get(f"/api/v1/products/{product.pk}/comments")

    assert response.status_code == 200
    assert [c["text"] for c in response.json()["results"]] == ["Lovely"]


def test_posting_needs_a_token(api, product):
    assert api.post(f"/api/v1/products/{product.pk}/comments", {"rating": 5}).status_code == 401


def test_a_buyer_posts_a_review_and_the_product_rating_follows(api, api_as, buyer, product):
    ReviewFactory(product=product, rating=2)
    from reviews.services import refresh_product_rating

    refresh_product_rating(product.pk)

    response = api_as(buyer).post(f"/api/v1/products/{product.pk}/comments", {"rating": 5, "text": "Great"})

    assert response.status_code == 201, response.json()
    assert response.json()["verified_purchase"] is False
    detail = api.get(f"/api/v1/products/{product.pk}").json()
    assert (detail["rating"], detail["rating_count"]) == (3.5, 2)


def test_one_review_per_user_per_product(api_as, buyer, product):
    client = api_as(buyer)
    client.post(f"/api/v1/products/{product.pk}/comments", {"rating": 4})

    response = client.post(f"/api/v1/products/{product.pk}/comments", {"rating": 1})

    assert response.status_code == 409
    assert Review.objects.count() == 1


def test_a_buyer_who_bought_it_is_a_verified_purchase(api_as, buyer, product):
    order_for(buyer, (product, 1))

    response = api_as(buyer).post(f"/api/v1/products/{product.pk}/comments", {"rating": 5})

    assert response.json()["verified_purchase"] is True


def test_a_cancelled_purchase_does_not_verify(api_as, buyer, product):
    cancel_order(order_for(buyer, (product, 1)), by=buyer)

    response = api_as(buyer).post(f"/api/v1/products/{product.pk}/comments", {"rating": 5})

    assert response.json()["verified_purchase"] is False


def test_a_seller_cannot_review_their_own_product(api_as, seller, product):
    response = api_as(seller).post(f"/api/v1/products/{product.pk}/comments", {"rating": 5})

    assert response.status_code == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None, 4.5])
def test_ratings_outside_one_to_five_answer_400(api_as, buyer, product, rating):
    response = api_as(buyer).post(f"/api/v1/products/{product.pk}/comments", {"rating": rating}, format="json")

    assert response.status_code == 400
    assert "rating" in response.json()["errors"]


def test_an_overlong_review_answers_400(api_as, buyer, product):
    response = api_as(buyer).post(f"/api/v1/products/{product.pk}/comments", {"rating": 3, "text": "x" * 5001})

    assert response.status_code == 400


def test_comments_of_an_unknown_product_answer_404(api, api_as, buyer, db):
    assert api.get("/api/v1/products/999999/comments").status_code == 404
    assert api_as(buyer).post("/api/v1/products/999999/comments", {"rating": 5}).status_code == 404


def test_hidden_reviews_leave_the_list_and_the_average(api, staff, product):
    kept = ReviewFactory(product=product, rating=5)
    hidden = ReviewFactory(product=product, rating=1)

    set_hidden(hidden, hidden=True, by=staff)

    listed = [c["id"] for c in api.get(f"/api/v1/products/{product.pk}/comments").json()["results"]]
    product.refresh_from_db()
    assert listed == [kept.pk]
    assert (product.rating_average, product.rating_count) == (Decimal("5.00"), 1)


def test_only_staff_hide_reviews(buyer, product):
    from shop.errors import Forbidden

    review = ReviewFactory(product=product)

    with pytest.raises(Forbidden):
        set_hidden(review, hidden=True, by=buyer)
    review.refresh_from_db()
    assert review.is_hidden is False


def test_products_order_by_rating(api, seller):
    low, high = ProductFactory(seller=seller), ProductFactory(seller=seller)
    from accounts.tests.factories import BuyerFactory
    from reviews.services import post_review

    post_review(author=BuyerFactory(), product=low, rating=2)
    post_review(author=BuyerFactory(), product=high, rating=5)

    ids = [p["id"] for p in api.get("/api/v1/products?ordering=rating").json()["results"]]

    assert ids == [high.pk, low.pk]
    assert Product.objects.get(pk=high.pk).rating_average == Decimal("5.00")
