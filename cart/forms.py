from django import forms
from django.conf import settings


class AddToCartForm(forms.Form):
    product = forms.IntegerField(min_value=1, max_value=10**18, widget=forms.HiddenInput)
    quantity = forms.IntegerField(min_value=1, max_value=settings.CART_MAX_LINE_QUANTITY, initial=1)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=settings.CART_MAX_LINE_QUANTITY)
