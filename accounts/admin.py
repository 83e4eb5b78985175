from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import SellerProfile, User
from shop.admin_permissions import SellerScopedAdmin, is_back_office_staff


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "awaiting_confirmation", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        (
            "Role and access",
            {"fields": ("role", "is_active", "awaiting_confirmation", "is_staff", "is_superuser", "groups")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "awaiting_confirmation"]

    def has_module_permission(self, request):
        return is_back_office_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_back_office_staff(request.user)

    def has_add_permission(self, request):
        return is_back_office_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_back_office_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(SellerProfile)
class SellerProfileAdmin(SellerScopedAdmin):
    seller_field = "user"
    seller_can_add = False
    seller_can_delete = False
    list_display = ["shop_name", "slug", "user", "contact_email", "created_at"]
    search_fields = ["shop_name", "slug", "user__email"]
    date_hierarchy = "created_at"
    readonly_fields = ["slug", "created_at"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if is_back_office_staff(request.user) else [*fields, "user"]
