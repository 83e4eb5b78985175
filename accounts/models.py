"""Users log in with their email and carry one role: buyer, seller or staff."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")
    STAFF = "staff", _("Staff")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", extra.get("role") == Role.STAFF)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BUYER, db_index=True)
    # Signed up, not yet confirmed by the link mailed to the address (inactive until then). Kept apart
    # from is_active so that an account staff switched off can never be switched on by a link.
    awaiting_confirmation = models.BooleanField(_("awaiting confirmation"), default=False)
    # The language the person signed up in or last chose: their pages on a new device, their mails.
    # Empty: the shop's own language (LANGUAGE_CODE).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("The language of the pages and mails this person gets."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        """A new password retires every API refresh token of the account, whichever way it was set
        (reset link, password page, back-office, `changepassword`): a stolen token must not outlive
        the reset that was meant to shut its thief out. Browser sessions end by Django's own rule
        (they carry a hash of the password). A hash upgraded at login is not a new password: Django
        saves it with `_password` cleared, so it passes here untouched."""
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.refresh_tokens import retire_refresh_tokens

            retire_refresh_tokens(self)

    @property
    def is_seller(self) -> bool:
        return self.role == Role.SELLER

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.email.split("@", 1)[0]


class SellerProfile(models.Model):
    """The public face of a seller's shop."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="seller_profile", verbose_name=_("user"))
    shop_name = models.CharField(_("shop name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["shop_name"]
        verbose_name = _("seller profile")
        verbose_name_plural = _("seller profiles")

    def __str__(self) -> str:
        return self.shop_name
