from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        from cart import signals  # noqa: F401  (merges the guest cart on login)
