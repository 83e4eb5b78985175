"""The site shell's addresses: the home page (a page, so under each language's prefix) and the
answers for machines (health, metrics, the seed's /docs), which have one address whatever the
language."""

from django.urls import path
from django.views.generic import RedirectView

from shop import views

app_name = "shop"

# Included once, outside i18n_patterns: /health/live, never /ru/health/live.
urlpatterns = [
    path("health/live", views.health_live, name="health-live"),
    path("health/ready", views.health_ready, name="health-ready"),
    path("metrics", views.metrics, name="metrics"),
    # The seed served Swagger at /docs; ours is at /api/docs/.
    path("docs", RedirectView.as_view(pattern_name="api-docs", permanent=True), name="docs"),
    path("docs/", RedirectView.as_view(pattern_name="api-docs", permanent=True)),
]

# Included in i18n_patterns: / and /ru/.
pages = [
    path("", views.home, name="home"),
]
