from django.conf import settings
from django.core.validators import EmailValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role, SellerProfile, User


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=[Role.BUYER, Role.SELLER], default=Role.BUYER)
    shop_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class SignupAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email = serializers.EmailField()


class ConfirmSignupSerializer(serializers.Serializer):
    """The `uid` and `token` of the link mailed at sign-up, and the password chosen then."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class LoginSerializer(serializers.Serializer):
    """Documents the login body; simplejwt's serializer does the checking."""

    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 254,
        "pattern": r"^$|^[^@\s]+@[^@\s]+$",
        "description": "An email address, or empty.",
    }
)
class OptionalEmailField(serializers.CharField):
    """An email address, or "" for none: one string type for generated clients (an EmailField that
    allows blank is described as a oneOf, which generators turn into a wrapper class)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=254, allow_blank=True, validators=[EmailValidator()], **kwargs)


class LoggedOutEverywhereSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retired = serializers.IntegerField(help_text="How many refresh tokens were retired.")


class SellerProfileSerializer(serializers.ModelSerializer):
    contact_email = OptionalEmailField(required=False)
    product_count = serializers.IntegerField(read_only=True, required=False)
    user_id = serializers.IntegerField(source="user.id", read_only=True)

    class Meta:
        model = SellerProfile
        fields = ["id", "user_id", "shop_name", "slug", "description", "contact_email", "phone", "product_count"]
        read_only_fields = ["id", "user_id", "slug", "product_count"]


class OwnShopSerializer(SellerProfileSerializer):
    """A user's own shop, inside the user: the same fields but the product count, which only
    the seller list and detail compute."""

    class Meta(SellerProfileSerializer.Meta):
        fields = [name for name in SellerProfileSerializer.Meta.fields if name != "product_count"]
        read_only_fields = ["id", "user_id", "slug"]


class LanguageField(serializers.ChoiceField):
    """A person's language, one of LANGUAGES. Someone who never chose one reads as the shop's own
    language (the account keeps it empty, so a later change of LANGUAGE_CODE still reaches them)."""

    def __init__(self, **kwargs):
        super().__init__(choices=settings.LANGUAGES, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value or settings.LANGUAGE_CODE)


class UserSerializer(serializers.ModelSerializer):
    seller_profile = OwnShopSerializer(read_only=True, allow_null=True)
    language = LanguageField(
        required=False, help_text="The language of the pages and mails this person gets (ISO 639-1 code)."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "language",
            "role",
            "is_staff",
            "date_joined",
            "seller_profile",
        ]
        read_only_fields = ["id", "email", "role", "is_staff", "date_joined", "seller_profile"]


class SignupResponseSerializer(TokenPairSerializer):
    user = UserSerializer()
