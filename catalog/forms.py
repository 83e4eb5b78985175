from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import selectors
from catalog.models import Product
from catalog.stock_forms import StockSeenMixin


class ProductForm(StockSeenMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["title", "category", "description", "price", "stock", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"is_active": _("Untick to take the product off sale without deleting it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # each option is named in the page's language: the translations come with the categories
        self.fields["category"].queryset = selectors.named_categories()


class ProductImageForm(forms.Form):
    file = forms.ImageField(label=_("Image (JPEG, PNG or WebP, at most 5 MB)"))
    alt_text = forms.CharField(max_length=200, required=False, label=_("Description for screen readers"))
