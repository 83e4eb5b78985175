from catalog.api import views
from shop.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = router.urls
