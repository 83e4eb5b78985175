from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = _("Carts")

    def ready(self) -> None:
        from cart import signals  # noqa: F401  (merges the guest cart on login)
