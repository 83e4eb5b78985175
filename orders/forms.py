import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class CheckoutForm(forms.Form):
    shipping_name = forms.CharField(max_length=200, label=_("Full name"))
    shipping_address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Address"))
    # One token per rendered form: a double click or a resubmitted page places one order.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64, initial=lambda: uuid.uuid4().hex)
