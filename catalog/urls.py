from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("products/", views.product_list, name="product-list"),
    path("products/<id:pk>/", views.product_detail, name="product-detail"),
    path("products/<id:pk>/<slug:slug>/", views.product_detail, name="product-detail-slug"),
    path("sellers/<slug:slug>/", views.seller_detail, name="seller-detail"),
    path("seller/products/", views.my_products, name="my-products"),
    path("seller/products/new/", views.product_create, name="product-create"),
    path("seller/products/<id:pk>/edit/", views.product_edit, name="product-edit"),
    path("seller/products/<id:pk>/toggle/", views.product_toggle, name="product-toggle"),
    path("seller/products/<id:pk>/images/", views.product_image_upload, name="product-image-upload"),
    path(
        "seller/products/<id:pk>/images/<id:image_id>/primary/",
        views.product_image_primary,
        name="product-image-primary",
    ),
    path(
        "seller/products/<id:pk>/images/<id:image_id>/delete/", views.product_image_delete, name="product-image-delete"
    ),
]
