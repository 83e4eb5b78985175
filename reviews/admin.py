from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reviews import services
from reviews.models import Review
from shop.admin_permissions import StaffOnlyAdmin


@admin.register(Review)
class ReviewAdmin(StaffOnlyAdmin):
    list_display = ["product", "author", "rating", "is_verified_purchase", "is_hidden", "created_at"]
    list_filter = ["is_hidden", "rating", "is_verified_purchase", "created_at"]
    search_fields = ["text", "product__title", "author__email"]
    date_hierarchy = "created_at"
    list_select_related = ["product", "author"]
    readonly_fields = ["product", "author", "rating", "text", "is_verified_purchase", "created_at"]
    fields = [*readonly_fields, "is_hidden"]
    actions = ["hide", "show"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.set_hidden(obj, hidden=obj.is_hidden, by=request.user)

    def delete_model(self, request, obj):
        services.delete_review(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.delete_review(review, by=request.user)

    @admin.action(description=_("Hide the selected reviews"))
    def hide(self, request, queryset):
        for review in queryset:
            services.set_hidden(review, hidden=True, by=request.user)

    @admin.action(description=_("Show the selected reviews again"))
    def show(self, request, queryset):
        for review in queryset:
            services.set_hidden(review, hidden=False, by=request.user)
