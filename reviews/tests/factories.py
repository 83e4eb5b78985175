import factory

from accounts.tests.factories import BuyerFactory
from catalog.tests.factories import ProductFactory
from reviews.models import Review


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review as the service leaves it: the product's rating summary counts it (pages rely on it)."""

    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(BuyerFactory)
    rating = 4
    text = "Good."

    @factory.post_generation
    def summary(review, create, extracted, **kwargs):
        if create:
            from reviews.services import refresh_product_rating

            refresh_product_rating(review.product_id)
            review.product.refresh_from_db(fields=["rating_average", "rating_count"])
