"""URL map: storefront pages, the REST API under /api/v1, the back-office under /admin."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from shop import urls as shop_urls
from shop.views import set_language

api_v1 = [
    path("", include("recommendations.api.urls")),  # before catalog's router: products/trending is not an id
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("cart.api.urls")),
    path("", include("orders.api.urls")),
]


# The API, its documents and the answers for machines (health, metrics) never move: API clients
# choose a language with Accept-Language.
urlpatterns = [
    path("", include("shop.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/setlang/", set_language, name="set_language"),
]

# Pages in the shop's own language (LANGUAGE_CODE) keep their addresses; the others live under
# their prefix (/ru/...). shop.i18n.middleware sends people to the language they chose.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include(shop_urls.pages)),
    path("", include("reviews.urls")),  # before catalog: products/<id>/<slug>/ would swallow it
    path("", include("catalog.urls")),
    path("cart/", include("cart.urls")),
    path("", include("orders.urls")),
    path("accounts/", include("accounts.urls")),
    prefix_default_language=False,
)

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Local file storage (the embedded default) serves uploaded images itself.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "shop.error_views.bad_request"
handler403 = "shop.error_views.permission_denied"
handler404 = "shop.error_views.page_not_found"
handler500 = "shop.error_views.server_error"
