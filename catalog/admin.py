from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog import selectors, services
from catalog.images import check_image
from catalog.models import Category, CategoryTranslation, Product, ProductImage
from catalog.stock_forms import StockSeenMixin
from shop.admin_permissions import SellerScopedAdmin, StaffOnlyAdmin, is_back_office_staff
from shop.errors import DomainError


class CategoryTranslationForm(forms.ModelForm):
    """The category in one of the shop's other languages: its own name and description are the
    shop's language (LANGUAGE_CODE), so that one is not offered here."""

    class Meta:
        model = CategoryTranslation
        fields = ["language", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in self.fields["language"].choices if code != settings.LANGUAGE_CODE
        ]


class CategoryTranslationInline(admin.TabularInline):
    """Staff write a category's translations beside it (the category admin is staff-only too)."""

    model = CategoryTranslation
    form = CategoryTranslationForm
    extra = 0
    max_num = len(settings.LANGUAGES) - 1

    def has_view_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)


class CategoryFilter(admin.RelatedOnlyFieldListFilter):
    """The categories in use, named in the page's language, their translations read together."""

    def field_choices(self, field, request, model_admin):
        in_use = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        categories = selectors.named_categories().filter(pk__in=in_use)
        return [(category.pk, category.label) for category in categories]


@admin.register(Category)
class CategoryAdmin(StaffOnlyAdmin):
    list_display = ["name", "translated_names", "parent", "slug"]
    list_filter = [("parent", CategoryFilter)]
    search_fields = ["name", "slug", "translations__name"]
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ["parent"]
    inlines = [CategoryTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations", "parent__translations")

    @admin.display(description=_("in other languages"))
    def translated_names(self, category: Category) -> str:
        return ", ".join(f"{entry.language}: {entry.name}" for entry in category.translations.all()) or "—"

    def save_model(self, request, obj, form, change):
        # Also when only a translation changed: the products' search documents carry every name.
        services.save_category(obj)


class ProductImageInline(admin.TabularInline):
    """Existing images: describe, reorder or delete them. New ones come through the product form's upload field."""

    model = ProductImage
    extra = 0
    fields = ["preview", "alt_text", "position", "is_primary"]
    readonly_fields = ["preview", "is_primary"]

    @admin.display(description=_("image"))
    def preview(self, image: ProductImage):
        return format_html('<a href="{}"><img src="{}" alt="" width="96"></a>', image.image.url, image.card_url)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True

    def has_view_permission(self, request, obj=None):
        return True


class ProductAdminForm(StockSeenMixin, forms.ModelForm):
    new_image = forms.FileField(
        required=False,
        label=_("Add an image"),
        help_text=_("JPEG, PNG or WebP, at most 5 MB, 8000 px a side and 24 megapixels."),
    )

    class Meta:
        model = Product
        fields = ["seller", "title", "category", "description", "price", "stock", "is_active", "is_featured"]

    def clean_new_image(self):
        upload = self.cleaned_data.get("new_image")
        if upload:
            try:
                check_image(upload)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload


class ChangelistProductForm(StockSeenMixin, forms.ModelForm):
    pass


class InStockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("in", _("In stock")), ("low", _("Low (under 5)")), ("out", _("Sold out"))]

    def queryset(self, request, queryset):
        return {
            "in": queryset.filter(stock__gt=0),
            "low": queryset.filter(stock__gt=0, stock__lt=5),
            "out": queryset.filter(stock=0),
        }.get(self.value(), queryset)


@admin.register(Product)
class ProductAdmin(SellerScopedAdmin):
    list_display = ["title", "seller", "category", "price", "stock", "is_active", "rating_average", "created_at"]
    list_filter = ["is_active", InStockFilter, ("category", CategoryFilter), "created_at"]
    list_editable = ["price", "stock", "is_active"]
    search_fields = ["title", "description", "seller__email", "seller__seller_profile__shop_name"]
    date_hierarchy = "created_at"
    list_select_related = ["seller", "category"]
    readonly_fields = ["slug", "rating_average", "rating_count", "created_at", "updated_at"]
    form = ProductAdminForm
    inlines = [ProductImageInline]
    actions = ["put_on_sale", "take_off_sale"]

    def get_queryset(self, request):
        # the category column is named in the page's language
        return super().get_queryset(request).prefetch_related("category__translations")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":  # each option named in the page's language, translations fetched once
            kwargs["queryset"] = selectors.named_categories()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if is_back_office_staff(request.user):
            filters.insert(0, ("seller", admin.RelatedOnlyFieldListFilter))
        return filters

    def get_fields(self, request, obj=None):
        fields = ["title", "category", "description", "price", "stock", "is_active"]
        if is_back_office_staff(request.user):
            fields = ["seller", *fields, "is_featured"]
        return [*fields, "new_image", "slug", "rating_average", "rating_count", "created_at", "updated_at"]

    def get_changelist_form(self, request, **kwargs):
        """The list's editable stock column carries the figure each row showed, as the form does."""
        return super().get_changelist_form(request, form=ChangelistProductForm, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_product(obj, by=request.user, expected_stock=form.stock_seen() if change else None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("new_image"):
            services.add_product_image(form.instance, by=request.user, upload=form.cleaned_data["new_image"])

    def save_formset(self, request, form, formset, change):
        """Image deletions go through the service, which also removes the stored files."""
        changed = formset.save(commit=False)
        for image in formset.deleted_objects:
            services.delete_product_image(image, by=request.user)
        for image in changed:
            image.save()

    def delete_model(self, request, obj):
        services.delete_product(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.delete_product(product, by=request.user)

    @admin.action(description=_("Put the selected products on sale"))
    def put_on_sale(self, request, queryset):
        for product in queryset:
            services.update_product(product, by=request.user, is_active=True)

    @admin.action(description=_("Take the selected products off sale"))
    def take_off_sale(self, request, queryset):
        for product in queryset:
            services.update_product(product, by=request.user, is_active=False)
