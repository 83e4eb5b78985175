from django.urls import re_path

from cart.api import views

urlpatterns = [
    re_path(r"^cart/?$", views.CartView.as_view(), name="cart"),
    re_path(r"^cart/(?P<pk>[0-9]{1,18})/?$", views.CartItemView.as_view(), name="cart-item"),
]
