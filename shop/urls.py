from django.urls import path
from django.views.generic import RedirectView

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/live", views.health_live, name="health-live"),
    path("health/ready", views.health_ready, name="health-ready"),
    path("metrics", views.metrics, name="metrics"),
    # The seed served Swagger at /docs; ours is at /api/docs/.
    path("docs", RedirectView.as_view(pattern_name="api-docs", permanent=True), name="docs"),
    path("docs/", RedirectView.as_view(pattern_name="api-docs", permanent=True)),
]
