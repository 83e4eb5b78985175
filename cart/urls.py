from django.urls import path

from cart import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/", views.cart_add, name="add"),
    path("items/<id:pk>/", views.cart_update, name="update"),
    path("items/<id:pk>/remove/", views.cart_remove, name="remove"),
]
