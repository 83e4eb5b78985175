"""The back-office site: staff manage everything, sellers run their own shop."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _


def may_enter_back_office(user) -> bool:
    return user.is_active and (user.is_staff or getattr(user, "is_seller", False))


class BackOfficeAuthenticationForm(AdminAuthenticationForm):
    """Admits sellers as well as staff (Django's own form admits staff only)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Enter the email and password of a staff or seller account (the password is case-sensitive)."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        if not may_enter_back_office(user):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class ShopAdminSite(admin.AdminSite):
    site_header = _("Bazaar back-office")
    site_title = _("Bazaar back-office")
    index_title = _("Shop administration")
    login_form = BackOfficeAuthenticationForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[tuple[str, str, str, object]] = []

    def has_permission(self, request) -> bool:
        return may_enter_back_office(request.user)

    def login(self, request, extra_context=None):
        """The back-office login counts against the same limits as every other login."""
        from accounts.throttling import refusal

        return refusal(request, "login", request.POST.get("username", "")) or super().login(request, extra_context)

    def password_change(self, request, extra_context=None):
        """The old password is checked here: guessing it is logging in, and counts as such."""
        from accounts.throttling import refusal

        account = request.user.email if request.user.is_authenticated else ""
        return refusal(request, "login", account) or super().password_change(request, extra_context)

    def register_page(self, route: str, view, *, name: str, title: str, listed: bool = True) -> None:
        """A back-office page that is not a model's (the analytics dashboard), listed on the index
        unless `listed` is false (what a page fetches for itself, such as its live figures).

        `view` decides for itself what a seller may see; the site admits only staff and sellers.
        """
        self._pages.append((route, name, title if listed else "", view))

    def get_urls(self):
        from django.urls import path

        pages = [path(route, self.admin_view(view), name=name) for route, name, _title, view in self._pages]
        return pages + super().get_urls()

    def get_app_list(self, request, app_label=None):
        from django.urls import reverse

        apps = super().get_app_list(request, app_label)
        if self._pages and app_label is None:
            pages = [
                {
                    "name": title,
                    "object_name": name,
                    "admin_url": reverse(f"admin:{name}"),
                    "view_only": True,
                    "perms": {},
                }
                for _route, name, title, _view in self._pages
                if title
            ]
            if pages:
                apps.insert(
                    0, {"name": _("Reports"), "app_label": "reports", "app_url": pages[0]["admin_url"], "models": pages}
                )
        return apps
