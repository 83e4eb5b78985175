from rest_framework.routers import SimpleRouter

from orders.api import views

router = SimpleRouter(trailing_slash="/?")
router.register("purchases", views.PurchaseViewSet, basename="purchase")

urlpatterns = router.urls
