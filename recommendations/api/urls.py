from django.urls import re_path

from recommendations.api import views
from shop.converters import ID_REGEX

urlpatterns = [
    re_path(r"^products/trending/?$", views.TrendingView.as_view(), name="products-trending"),
    re_path(
        rf"^products/(?P<id>{ID_REGEX})/recommendations/?$",
        views.ProductRecommendationsView.as_view(),
        name="product-recommendations",
    ),
    re_path(r"^me/recommendations/?$", views.ShopperRecommendationsView.as_view(), name="me-recommendations"),
]
