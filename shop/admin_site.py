"""The back-office site: staff manage everything, sellers run their own shop."""

from django.contrib import admin


class ShopAdminSite(admin.AdminSite):
    site_header = "Bazaar back-office"
    site_title = "Bazaar back-office"
    index_title = "Shop administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or getattr(user, "is_seller", False))
