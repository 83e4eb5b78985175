from django.urls import path

from bench.views import BareProductList
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/bare-products", BareProductList.as_view()), *site_urlpatterns]
