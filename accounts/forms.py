from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from shop import i18n


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    role = forms.ChoiceField(
        choices=[(Role.BUYER, _("I want to shop")), (Role.SELLER, _("I want to sell"))],
        initial=Role.BUYER,
        widget=forms.RadioSelect,
        label=_("Account type"),
    )
    shop_name = forms.CharField(
        label=_("Shop name"), max_length=120, required=False, help_text=_("Sellers only: the name shoppers see.")
    )


class SellerProfileForm(forms.Form):
    shop_name = forms.CharField(label=_("Shop name"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


class ConfirmSignupForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the mail written in the account's language (the one kept on it) rather
    than in the language of the page the request came from; an account that never chose one gets
    the page's."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with i18n.speaking_to(context["user"], otherwise=translation.get_language()):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
