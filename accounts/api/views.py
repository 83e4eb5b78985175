from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenBlacklistView, TokenObtainPairView, TokenRefreshView

from accounts import selectors, services
from accounts.api.serializers import (
    ConfirmSignupSerializer,
    LoggedOutEverywhereSerializer,
    LoginSerializer,
    SellerProfileSerializer,
    SignupAcceptedSerializer,
    SignupResponseSerializer,
    SignupSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from accounts.links import confirmation_link
from accounts.refresh_tokens import retire_refresh_tokens
from accounts.throttling import AttemptThrottle
from shop.api.conditional import ConditionalReads
from shop.api.openapi import errors


def throttled_schema(request, status_code: int, response, *, refusals: tuple[int, ...] = ()):
    """The schema of an attempt-throttled auth operation: its answer and its own refusals. The 429
    (Error body, Retry-After header) comes with the throttle, as for every throttled operation
    (shop/api/openapi.py)."""
    return extend_schema(request=request, responses={status_code: response, **errors(*refusals)}, tags=["auth"])


def _token_pair(user) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def signup_accepted() -> str:
    return _(
        "We sent a message to this address. Open the link in it to confirm your account (if the address "
        "already has an account, the message says how to log in)."
    )


class SignupView(APIView):
    """Sign up as a buyer or a seller. The answer is the same whether or not the address already has
    an account: a message to the address says which (a link to confirm, or how to log in)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AttemptThrottle]
    throttle_action, throttle_account_field = "signup", "email"

    @throttled_schema(SignupSerializer, 202, SignupAcceptedSerializer)
    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = services.request_sign_up(
            link_for=lambda uid, token: confirmation_link(request, uid, token), **serializer.validated_data
        )
        return Response({"detail": signup_accepted(), "email": email}, status=status.HTTP_202_ACCEPTED)


class ConfirmSignupView(APIView):
    """Confirm a sign-up with the link's `uid` and `token` and the password chosen at sign-up;
    answers with the account and its tokens."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AttemptThrottle]
    throttle_action, throttle_account_field = "login", "uid"

    @throttled_schema(ConfirmSignupSerializer, 200, SignupResponseSerializer)
    def post(self, request):
        serializer = ConfirmSignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.confirm_sign_up(**serializer.validated_data)
        return Response({"user": UserSerializer(user).data, **_token_pair(user)})


class LoginView(TokenObtainPairView):
    """Exchange email and password for an access and a refresh token."""

    throttle_classes = [AttemptThrottle]
    throttle_action, throttle_account_field = "login", "email"

    @throttled_schema(LoginSerializer, 200, TokenPairSerializer, refusals=(401,))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class RefreshView(TokenRefreshView):
    """A new access token and a new refresh token; the refresh token sent is retired."""

    @extend_schema(responses={200: TokenPairSerializer, **errors(401)}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(TokenBlacklistView):
    """Retire a refresh token: it can no longer be refreshed (204, no body). Access tokens already
    handed out stay valid until they expire (ACCESS_TOKEN_EXPIRE_MINUTES)."""

    @extend_schema(tags=["auth"], responses={204: None, **errors(401)})
    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    """Retire every refresh token of the signed-in account, on every device (a lost phone, a shared
    computer). Access tokens already handed out stay valid until they expire
    (ACCESS_TOKEN_EXPIRE_MINUTES); a password change or reset does the same."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: LoggedOutEverywhereSerializer}, tags=["auth"])
    def post(self, request):
        retired = retire_refresh_tokens(request.user)
        detail = _("Every device is logged out: log in again to get new tokens.")
        return Response({"detail": detail, "retired": retired})


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user; PATCH changes the name fields and the language (of the pages and mails)."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        language = serializer.validated_data.pop("language", None)
        serializer.save()
        if language is not None:  # kept by the service, as the switcher keeps it
            services.set_language(self.request.user, language)


class SellerListView(ConditionalReads, generics.ListAPIView):
    serializer_class = SellerProfileSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.seller_list()


class SellerDetailView(ConditionalReads, generics.RetrieveUpdateAPIView):
    """A seller's public profile; the seller (or staff) may PATCH it."""

    serializer_class = SellerProfileSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.seller_list()

    def perform_update(self, serializer):
        services.update_seller_profile(serializer.instance, by=self.request.user, **serializer.validated_data)
