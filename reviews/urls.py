from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("products/<id:pk>/reviews/", views.post_review, name="post"),
]
