"""Writes for accounts: signing up buyers and sellers, confirming them, editing seller profiles."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Role, SellerProfile, User
from accounts.tokens import signup_confirmation
from catalog.models import SearchQueueEntry
from catalog.search.indexer import enqueue
from shop import events, i18n
from shop.background import run_soon
from shop.errors import Conflict, DomainError, Forbidden
from shop.i18n.slugs import slug_for
from shop.shared_reads import forget
from shop.tasks import send_mail_message

SIGNUP_ROLES = (Role.BUYER, Role.SELLER)


def _unique_shop_slug(shop_name: str) -> str:
    base = slug_for(shop_name)[:120] or "shop"
    slug, n = base, 2
    while SellerProfile.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_sign_up(
    *, email: str, password: str, role: str, shop_name: str, first_name: str, last_name: str
) -> tuple[str, dict[str, str]]:
    """The address as accounts keep it (lower case) and the other fields of the account, after
    the refusals a person can act on; none of them depends on whether the address has an account."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in SIGNUP_ROLES:
        raise DomainError(_("Choose the role 'buyer' or 'seller'."), field="role")
    if role == Role.SELLER and not shop_name.strip():
        raise DomainError(_("A seller needs a shop name."), field="shop_name")
    candidate = User(email=email, first_name=first_name, last_name=last_name, role=role)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    return email, {
        "password": password,
        "role": role,
        "shop_name": shop_name.strip(),
        "first_name": first_name,
        "last_name": last_name,
        # The language the person signs up in is the one we write to them in.
        "language": i18n.supported(translation.get_language()) or "",
    }


def _create_account(
    *,
    email: str,
    password: str,
    role: str,
    shop_name: str,
    first_name: str,
    last_name: str,
    active: bool,
    language: str = "",
) -> User:
    """The user and, for a seller, the shop. An inactive seller's shop stays hidden: shop pages and
    search list active sellers only."""
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        is_active=active,
        awaiting_confirmation=not active,
        language=language,
    )
    if role == Role.SELLER:
        create_seller_profile(user, shop_name=shop_name)
    return user


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
    """Create a buyer or a seller (with their shop), active at once: for accounts made by staff,
    scripts and tests. People signing up on the site go through `request_sign_up`. Staff are
    made by staff, not here."""
    email, fields = _clean_sign_up(
        email=email, password=password, role=role, shop_name=shop_name, first_name=first_name, last_name=last_name
    )
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("An account with this email already exists."), field="email")
    try:
        with transaction.atomic():
            user = _create_account(email=email, active=True, **fields)
    except IntegrityError as exc:  # a concurrent signup with the same email won the race
        raise Conflict(_("An account with this email already exists."), field="email") from exc
    events.record("user_signed_up", user=user, role=role)
    return user


def request_sign_up(
    *,
    link_for: Callable[[str, str], str],
    email: str,
    password: str,
    role: str = Role.BUYER,
    shop_name: str = "",
    first_name: str = "",
    last_name: str = "",
) -> str:
    """Sign-up from the site or the API, which tells nobody whether the address has an account;
    returns the address as accounts keep it (lower case).

    A new address gets an account awaiting confirmation and a link to confirm it (`link_for(uid,
    token)` makes the link). An address with an account gets a message saying so, with the way
    to log in or reset the password. The caller answers the same in both cases, and both pay for
    one password hash, so neither the answer nor its timing gives the address away.

    Signing up again before confirming replaces the waiting account (the last sign-up wins) and
    voids the earlier link; confirming takes the link and the password, so nobody who signed up
    with somebody else's address can take over the account they confirm.
    """
    email, fields = _clean_sign_up(
        email=email, password=password, role=role, shop_name=shop_name, first_name=first_name, last_name=last_name
    )
    owner = User.objects.filter(email__iexact=email).first()
    # Only a sign-up still waiting (never confirmed, never switched on by staff) may be replaced.
    if owner is not None and not (owner.awaiting_confirmation and not owner.is_active):
        make_password(password)  # the same cost as a new account's hash
        _mail(owner, "already_registered", {})
        return email
    try:
        with transaction.atomic():
            if owner is not None:
                owner.delete()  # an earlier, unconfirmed sign-up: replaced whole (its shop with it)
            user = _create_account(email=email, active=False, **fields)
    except IntegrityError:  # a concurrent sign-up with the same address won the race; its mail is on its way
        return email
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = link_for(uid, signup_confirmation.make_token(user))
    _mail(user, "confirm_sign_up", {"link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400})
    return email


def _mail(user: User, template: str, context: dict) -> None:
    """Rendered here, in the account's language, sent by a worker (accounts.tasks); this request
    sends it when the broker does not answer, rather than lose it."""
    with i18n.speaking_to(user):
        text = render_to_string(f"accounts/email/{template}.txt", {"user": user, **context})
    subject, _sep, body = text.partition("\n")
    run_soon(send_mail_message, subject.strip(), body.strip() + "\n", user.email)


def invalid_link_message() -> str:
    return _("This link is not valid any more (it was used, replaced or has expired): sign up again for a new one.")


@transaction.atomic
def confirm_sign_up(*, uid: str, token: str, password: str) -> User:
    """Activate the account the link names, for the person who knows its password."""
    try:
        user = User.objects.select_for_update().get(pk=int(force_str(urlsafe_base64_decode(uid))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist) as exc:
        raise DomainError(invalid_link_message(), field="token") from exc
    if not user.awaiting_confirmation or not signup_confirmation.check_token(user, token):
        raise DomainError(invalid_link_message(), field="token")
    if not user.check_password(password):
        raise DomainError(
            _(
                "That is not the password of this sign-up. If you signed up twice, use the password and the "
                "link of the latest one."
            ),
            field="password",
        )
    user.is_active, user.awaiting_confirmation = True, False
    user.save(update_fields=["is_active", "awaiting_confirmation"])
    profile = getattr(user, "seller_profile", None)
    if profile is not None:
        enqueue(SearchQueueEntry.Kind.SELLER, [profile.pk])
        forget("shops")
    events.record("user_signed_up", user=user, role=user.role)
    return user


def create_seller_profile(user: User, *, shop_name: str, description: str = "") -> SellerProfile:
    profile = SellerProfile.objects.create(
        user=user,
        shop_name=shop_name,
        slug=_unique_shop_slug(shop_name),
        description=description,
        contact_email="",  # public: the seller chooses it; the login address stays private
    )
    enqueue(SearchQueueEntry.Kind.SELLER, [profile.pk])
    forget("shops")
    return profile


def shop_visibility_changed(user: User) -> None:
    """The user was switched on or off: their shop's search document follows (search shows
    active sellers' shops only)."""
    profile = getattr(user, "seller_profile", None)
    if profile is not None:
        enqueue(SearchQueueEntry.Kind.SELLER, [profile.pk])
        forget("shops")


def update_seller_profile(profile: SellerProfile, *, by, **fields) -> SellerProfile:
    """Change a shop's public profile; only its seller, or staff, may."""
    if not (by.is_staff or profile.user_id == by.id):
        raise Forbidden(_("Only the seller may change this shop."))
    allowed = {"shop_name", "description", "contact_email", "phone"}
    for name, value in fields.items():
        if name in allowed:
            setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    enqueue(SearchQueueEntry.Kind.SELLER, [profile.pk])
    forget("shops")
    if "shop_name" in fields:  # their products' documents carry the shop's name
        enqueue(SearchQueueEntry.Kind.PRODUCT, profile.user.products.values_list("pk", flat=True))
    return profile


def set_language(user: User, language: str) -> None:
    """Keep the language a person chose: their pages on any device, and the mails we send them."""
    language = i18n.supported(language) or ""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
