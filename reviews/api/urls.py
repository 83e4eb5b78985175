from django.urls import re_path

from reviews.api import views
from shop.converters import ID_REGEX

urlpatterns = [
    re_path(rf"^products/(?P<pk>{ID_REGEX})/comments/?$", views.ProductCommentsView.as_view(), name="product-comments"),
]
