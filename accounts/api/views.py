from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenBlacklistView, TokenObtainPairView, TokenRefreshView

from accounts import selectors, services
from accounts.api.serializers import (
    LoginSerializer,
    SellerProfileSerializer,
    SignupResponseSerializer,
    SignupSerializer,
    TokenPairSerializer,
    UserSerializer,
)


def _token_pair(user) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class SignupView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=SignupSerializer, responses={201: SignupResponseSerializer}, tags=["auth"])
    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.sign_up(**serializer.validated_data)
        return Response({"user": UserSerializer(user).data, **_token_pair(user)}, status=status.HTTP_201_CREATED)


class LoginView(TokenObtainPairView):
    """Exchange email and password for an access and a refresh token."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses={200: TokenPairSerializer}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class RefreshView(TokenRefreshView):
    """A new access token and a new refresh token; the refresh token sent is retired."""

    @extend_schema(tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(TokenBlacklistView):
    """Retire a refresh token: it can no longer be refreshed. Access tokens already handed
    out stay valid until they expire (ACCESS_TOKEN_EXPIRE_MINUTES)."""

    @extend_schema(tags=["auth"], responses={200: None})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user; PATCH changes the name fields."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user


class SellerListView(generics.ListAPIView):
    serializer_class = SellerProfileSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.seller_list()


class SellerDetailView(generics.RetrieveUpdateAPIView):
    """A seller's public profile; the seller (or staff) may PATCH it."""

    serializer_class = SellerProfileSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.seller_list()

    def perform_update(self, serializer):
        services.update_seller_profile(serializer.instance, by=self.request.user, **serializer.validated_data)
