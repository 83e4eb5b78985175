from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from catalog import metrics
        from shop.metrics import STATE

        STATE.add(metrics.search_queue)  # its state in every scrape of /metrics
