from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Role, SellerProfile, User
from shop.admin_labels import TranslatedPermissions
from shop.admin_permissions import SellerScopedAdmin, is_back_office_staff

# Fields that grant power over the whole site. Only a superuser sets them (Django's own user
# admin shows them to anyone who may change users, so staff could make themselves superuser).
PRIVILEGE_FIELDS = frozenset({"is_superuser", "is_staff", "groups", "user_permissions"})


def _is_superuser(user) -> bool:
    return user.is_active and user.is_superuser


def _without(fieldsets, names) -> list:
    return [
        (title, {**options, "fields": [f for f in options["fields"] if f not in names]}) for title, options in fieldsets
    ]


@admin.register(User)
class UserAdmin(TranslatedPermissions, DjangoUserAdmin):
    """Staff manage buyers and sellers; only superusers grant staff or superuser powers, groups and
    permissions, and only they change another staff member's account (its email or password would
    hand the account over)."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "language", "is_active", "date_joined"]
    list_filter = ["role", "language", "is_active", "awaiting_confirmation", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Role and access"),
            {"fields": ("role", "is_active", "awaiting_confirmation", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
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
        if not is_back_office_staff(request.user):
            return False
        if _is_superuser(request.user) or obj is None or obj.pk == request.user.pk:
            return True
        return not (obj.is_staff or obj.is_superuser)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            services.shop_visibility_changed(obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if _is_superuser(request.user) else _without(fieldsets, PRIVILEGE_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not _is_superuser(request.user) and obj is not None and (obj.is_staff or obj.is_superuser):
            fields.append("role")  # their own account: staff stay staff, but grant it to nobody
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not _is_superuser(request.user):
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value != Role.STAFF]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissions, DjangoGroupAdmin):
    """Django's, with the permissions named in the reader's language."""
