from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="list"),
    path("orders/<id:pk>/", views.order_detail, name="detail"),
    path("orders/<id:pk>/cancel/", views.order_cancel, name="cancel"),
]
