"""Writes for accounts: signing up buyers and sellers, editing seller profiles."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.models import Role, SellerProfile, User
from catalog.models import SearchQueueEntry
from catalog.search.indexer import enqueue
from shop import events
from shop.errors import Conflict, DomainError, Forbidden

SIGNUP_ROLES = (Role.BUYER, Role.SELLER)


def _unique_shop_slug(shop_name: str) -> str:
    base = slugify(shop_name)[:120] or "shop"
    slug, n = base, 2
    while SellerProfile.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    role: str = Role.BUYER,
    shop_name: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a buyer or a seller (with their shop). Staff are made by staff, not here."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in SIGNUP_ROLES:
        raise DomainError("Choose the role 'buyer' or 'seller'.", field="role")
    if role == Role.SELLER and not shop_name.strip():
        raise DomainError("A seller needs a shop name.", field="shop_name")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict("An account with this email already exists. Log in or reset your password.", field="email")
    candidate = User(email=email, first_name=first_name, last_name=last_name, role=role)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    try:
        user = User.objects.create_user(
            email=email, password=password, role=role, first_name=first_name, last_name=last_name
        )
    except IntegrityError as exc:  # a concurrent signup with the same email won the race
        raise Conflict("An account with this email already exists.", field="email") from exc
    if role == Role.SELLER:
        create_seller_profile(user, shop_name=shop_name.strip())
    events.record("user_signed_up", user=user, role=role)
    return user


def create_seller_profile(user: User, *, shop_name: str, description: str = "") -> SellerProfile:
    profile = SellerProfile.objects.create(
        user=user,
        shop_name=shop_name,
        slug=_unique_shop_slug(shop_name),
        description=description,
        contact_email=user.email,
    )
    enqueue(SearchQueueEntry.Kind.SELLER, [profile.pk])
    return profile


def update_seller_profile(profile: SellerProfile, *, by, **fields) -> SellerProfile:
    """Change a shop's public profile; only its seller, or staff, may."""
    if not (by.is_staff or profile.user_id == by.id):
        raise Forbidden("Only the seller may change this shop.")
    allowed = {"shop_name", "description", "contact_email", "phone"}
    for name, value in fields.items():
        if name in allowed:
            setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    enqueue(SearchQueueEntry.Kind.SELLER, [profile.pk])
    if "shop_name" in fields:  # their products' documents carry the shop's name
        enqueue(SearchQueueEntry.Kind.PRODUCT, profile.user.products.values_list("pk", flat=True))
    return profile
