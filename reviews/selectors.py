"""Reads for reviews."""

from django.db.models import QuerySet

from reviews.models import Review


def visible_reviews(product_id: int) -> QuerySet[Review]:
    return Review.objects.filter(product_id=product_id, is_hidden=False).select_related("author")


def user_review(user, product_id: int) -> Review | None:
    if not user.is_authenticated:
        return None
    return Review.objects.filter(product_id=product_id, author=user).first()
