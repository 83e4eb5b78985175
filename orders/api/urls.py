from orders.api import views
from shop.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("purchases", views.PurchaseViewSet, basename="purchase")

urlpatterns = router.urls
