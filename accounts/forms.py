from django import forms
from django.contrib.auth import password_validation

from accounts.models import Role


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    role = forms.ChoiceField(
        choices=[(Role.BUYER, "I want to shop"), (Role.SELLER, "I want to sell")],
        initial=Role.BUYER,
        widget=forms.RadioSelect,
        label="Account type",
    )
    shop_name = forms.CharField(max_length=120, required=False, help_text="Sellers only: the name shoppers see.")


class SellerProfileForm(forms.Form):
    shop_name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    contact_email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=32, required=False)


class ConfirmSignupForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
