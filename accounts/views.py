"""Sign-up and the seller's shop profile; login, logout and passwords are Django's own views."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import ConfirmSignupForm, SellerProfileForm, SignupForm
from accounts.links import confirmation_link
from accounts.throttling import throttled
from shop.errors import DomainError


def _safe_next(request, target: str) -> str:
    return target if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else ""


@throttled("signup", "email")
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = _safe_next(request, request.GET.get("next", ""))
        try:
            email = services.request_sign_up(
                link_for=lambda uid, token: confirmation_link(request, uid, token, next_url), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session["signup_email"] = email
            return redirect("accounts:signup-sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request):
    return render(request, "accounts/signup_sent.html", {"email": request.session.get("signup_email", "")})


def confirm_sign_up(request, uid: str, token: str):
    form = ConfirmSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.confirm_sign_up(uid=uid, token=token, password=form.cleaned_data["password"])
        except DomainError as exc:
            form.add_error("password" if exc.field == "password" else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            target = _safe_next(request, request.GET.get("next", ""))
            return redirect(target or ("catalog:my-products" if user.is_seller else "home"))
    return render(request, "accounts/confirm_sign_up.html", {"form": form})


@login_required
def seller_profile(request):
    profile = getattr(request.user, "seller_profile", None)
    if profile is None:
        raise Http404(_("Only sellers have a shop profile."))
    form = SellerProfileForm(
        request.POST or None,
        initial={
            "shop_name": profile.shop_name,
            "description": profile.description,
            "contact_email": profile.contact_email,
            "phone": profile.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_seller_profile(profile, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your shop profile is saved."))
        return redirect("accounts:seller-profile")
    return render(request, "accounts/seller_profile.html", {"form": form, "profile": profile})
