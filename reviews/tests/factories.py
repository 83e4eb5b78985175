import factory

from accounts.tests.factories import BuyerFactory
from catalog.tests.factories import ProductFactory
from reviews.models import Review


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(BuyerFactory)
    rating = 4
    text = "Good."
