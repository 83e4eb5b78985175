from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")
    default = True

    def ready(self) -> None:
        from django.urls import register_converter

        import shop.client_address  # noqa: F401  (registers its system check)
        from shop.converters import IdConverter

        register_converter(IdConverter, "id")  # `<id:pk>` in every app's URLs


class ShopAdminConfig(admin_apps.AdminConfig):
    """Replaces the default admin site with one that sellers may enter too."""

    default = False
    default_site = "shop.admin_site.ShopAdminSite"
