from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import PasswordResetForm
from accounts.links import SiteURLPasswordResetView
from accounts.throttling import throttled

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup-sent"),
    path(
        "signup/confirm/<str:uid>/<str:token>/",
        throttled("login", "uid")(views.confirm_sign_up),
        name="confirm-sign-up",
    ),
    path(
        "login/",
        throttled("login", "username")(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("shop/", views.seller_profile, name="seller-profile"),
    path(
        "password/change/",
        throttled("login", "")(  # the old password is checked: guessing it is logging in
            auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done"))
        ),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        throttled("reset", "email")(
            SiteURLPasswordResetView.as_view(
                success_url=reverse_lazy("accounts:password_reset_done"),
                email_template_name="registration/password_reset_email.txt",
                form_class=PasswordResetForm,
            )
        ),
        name="password_reset",
    ),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
