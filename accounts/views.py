"""Sign-up and the seller's shop profile; login, logout and passwords are Django's own views."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import services
from accounts.forms import SellerProfileForm, SignupForm
from shop.errors import DomainError


def signup(request):
    if request.user.is_authenticated:
        return redirect("shop:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            target = request.GET.get("next", "")
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            return redirect("catalog:my-products" if user.is_seller else "shop:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def seller_profile(request):
    profile = getattr(request.user, "seller_profile", None)
    if profile is None:
        raise Http404("Only sellers have a shop profile.")
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
        messages.success(request, "Your shop profile is saved.")
        return redirect("accounts:seller-profile")
    return render(request, "accounts/seller_profile.html", {"form": form, "profile": profile})
