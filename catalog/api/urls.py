from django.urls import re_path

from catalog.api import search, views
from shop.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    re_path(r"^search/?$", search.SearchView.as_view(), name="search"),
    re_path(r"^search/suggest/?$", search.SuggestView.as_view(), name="search-suggest"),
    *router.urls,
]
