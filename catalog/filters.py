"""Catalogue filters shared by the API and the storefront list page."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from accounts.models import User
from catalog import selectors
from catalog.models import Category, Product
from shop.api.money import MONEY_SCHEMA


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (the form field refuses "1.5")."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", 2**63 - 1)  # beyond a bigint: a 400, not a database error
        super().__init__(*args, **kwargs)


@extend_schema_field(MONEY_SCHEMA)
class MoneyFilter(django_filters.NumberFilter):
    """An amount, written as the API writes prices (shop.api.money)."""


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=gettext_lazy("Search"), max_length=200)
    category = IdFilter(
        method="filter_category", label=gettext_lazy("Category id (its sub-categories too)"), min_value=1
    )
    seller = IdFilter(field_name="seller_id", label=gettext_lazy("Seller id (the seller's user id)"), min_value=1)
    min_price = MoneyFilter(field_name="price", lookup_expr="gte", label=gettext_lazy("Min price"), min_value=0)
    max_price = MoneyFilter(field_name="price", lookup_expr="lte", label=gettext_lazy("Max price"), min_value=0)
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=gettext_lazy("In stock only"))
    ordering = django_filters.ChoiceFilter(
        choices=selectors.ORDERING_CHOICES, method="filter_ordering", label=gettext_lazy("Sort by")
    )

    class Meta:
        model = Product
        fields = ["q", "category", "seller", "min_price", "max_price", "in_stock", "ordering"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(title__icontains=value) if value else queryset

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        ids = selectors.category_with_descendants(int(value))
        if ids is None:
            raise ValidationError({"category": [_("There is no category %(id)d.") % {"id": int(value)}]})
        return queryset.filter(category_id__in=ids)

    def get_form_class(self):
        """Build the form class once per filter set class, not once per request.

        None of these filters depends on the request, and Django forms copy their
        fields per instance, so one class serves every request.
        """
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_in_stock(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(stock__gt=0) if value else queryset.filter(stock=0)

    def filter_ordering(self, queryset, name, value):
        return selectors.order_products(queryset, value)

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("ordering"):
            queryset = selectors.order_products(queryset, None)
        return queryset


class ShopChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.seller_profile.shop_name


class ShopFilter(django_filters.ModelChoiceFilter):
    field_class = ShopChoiceField


class StorefrontProductFilter(ProductFilter):
    """The same filters with widgets that suit the HTML form: categories and shops by name, a checkbox for stock."""

    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.order_by("name"), method="filter_category_choice", label=gettext_lazy("Category")
    )

    seller = ShopFilter(
        queryset=User.objects.filter(seller_profile__isnull=False, is_active=True)
        .select_related("seller_profile")
        .order_by("seller_profile__shop_name"),
        field_name="seller",
        label=gettext_lazy("Shop"),
    )
    in_stock = django_filters.BooleanFilter(
        method="filter_in_stock",
        label=gettext_lazy("In stock only"),
        widget=forms.CheckboxInput,
    )

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(stock__gt=0) if value else queryset

    def filter_category_choice(self, queryset, name, value):
        return self.filter_category(queryset, name, value.pk if value else None)


class _EmptyField:
    """A field of the empty filter form: nothing entered."""

    def value(self) -> None:
        return None


class _EmptyForm:
    """What the catalogue page reads from its filter form when the request names no filter."""

    errors: dict = {}

    def __getattr__(self, name: str) -> _EmptyField:
        if name in StorefrontProductFilter.base_filters:
            return _EmptyField()
        raise AttributeError(name)


class _Unfiltered:
    """A filter set that filters nothing: the form is empty and valid, without building one."""

    form = _EmptyForm()
    is_bound = False


UNFILTERED = _Unfiltered()
