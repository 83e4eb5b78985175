"""The back-office site: staff manage everything, sellers run their own shop."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm


def may_enter_back_office(user) -> bool:
    return user.is_active and (user.is_staff or getattr(user, "is_seller", False))


class BackOfficeAuthenticationForm(AdminAuthenticationForm):
    """Admits sellers as well as staff (Django's own form admits staff only)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Enter the email and password of a staff or seller account (the password is case-sensitive).",
    }

    def confirm_login_allowed(self, user) -> None:
        if not may_enter_back_office(user):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class ShopAdminSite(admin.AdminSite):
    site_header = "Bazaar back-office"
    site_title = "Bazaar back-office"
    index_title = "Shop administration"
    login_form = BackOfficeAuthenticationForm

    def has_permission(self, request) -> bool:
        return may_enter_back_office(request.user)
