from django.contrib import admin

from cart.models import Cart, CartItem
from shop.admin_permissions import StaffOnlyAdmin


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    readonly_fields = ["product", "quantity", "added_at"]


@admin.register(Cart)
class CartAdmin(StaffOnlyAdmin):
    list_display = ["id", "user", "created_at", "updated_at"]
    list_filter = [("user", admin.EmptyFieldListFilter), "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "updated_at"]
    inlines = [CartItemInline]
