from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/signup", views.SignupView.as_view(), name="auth-signup"),
    path("auth/confirm", views.ConfirmSignupView.as_view(), name="auth-confirm"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-everywhere", views.LogoutEverywhereView.as_view(), name="auth-logout-everywhere"),
    path("me", views.MeView.as_view(), name="me"),
    path("sellers", views.SellerListView.as_view(), name="seller-list"),
    path("sellers/<id:pk>", views.SellerDetailView.as_view(), name="seller-detail"),
]
