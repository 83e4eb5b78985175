from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from analytics import metrics
        from shop.metrics import STATE

        for reader in (metrics.pipeline_jobs, metrics.kafka_consumer_lag):
            STATE.add(reader)  # its state in every scrape of /metrics
