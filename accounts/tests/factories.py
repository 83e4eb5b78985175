import re

import factory
from django.utils.text import slugify

from accounts.models import Role, SellerProfile, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    role = Role.BUYER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BuyerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")


class SellerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerProfile

    shop_name = factory.Sequence(lambda n: f"Shop {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.shop_name))
    description = "A test shop."


class SellerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"seller{n}@example.com")
    role = Role.SELLER
    profile = factory.RelatedFactory(SellerProfileFactory, factory_related_name="user")


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    role = Role.STAFF
    is_staff = True


CONFIRMATION_LINK = re.compile(r"/accounts/signup/confirm/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")


def confirm_from_mail(api, email: str, password: str, message=None):
    """Confirm a sign-up through the API with the link in the last mail to `email` (or `message`)."""
    from django.core import mail

    message = message or next(m for m in reversed(mail.outbox) if m.to == [email])
    link = CONFIRMATION_LINK.search(message.body)
    assert link, message.body
    return api.post("/api/v1/auth/confirm", {**link.groupdict(), "password": password}, format="json")
