"""Recommendations for mobile clients: the same shelves as the storefront's pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors as catalog_selectors
from recommendations import selectors
from recommendations.api.serializers import (
    LimitSerializer,
    ProductRecommendationsSerializer,
    ShopperRecommendationsSerializer,
    TrendingSerializer,
)

LIMIT = LimitSerializer  # documents `limit` as a query parameter, bounds included


def _limit(request, default: int) -> int:
    query = LimitSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("limit", default)


class ProductRecommendationsView(APIView):
    """Products often bought together with this one, or its category's best sellers while there are too few
    orders to tell; only products on sale and in stock, never the product itself. `source` says which."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[LIMIT],
        responses={200: ProductRecommendationsSerializer},
        tags=["recommendations"],
    )
    def get(self, request, id: int):
        limit = _limit(request, selectors.BOUGHT_TOGETHER_LIMIT)
        product = get_object_or_404(catalog_selectors.products_for_viewer(request.user), pk=id)
        shelf = selectors.bought_together(product, limit=limit)
        body = {"product": product.pk, "source": shelf.source, "results": shelf.products}
        return Response(ProductRecommendationsSerializer(body, context={"request": request}).data)


class ShopperRecommendationsView(APIView):
    """Recommended for you: products bought together with what you bought (never those), topped up with the
    shop's best sellers; only the best sellers while you have bought nothing. `source` says which."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[LIMIT], responses={200: ShopperRecommendationsSerializer}, tags=["recommendations"])
    def get(self, request):
        shelf = selectors.for_shopper(request.user, limit=_limit(request, selectors.FOR_YOU_LIMIT))
        body = {"source": shelf.source, "results": shelf.products}
        return Response(ShopperRecommendationsSerializer(body, context={"request": request}).data)


class TrendingView(APIView):
    """Trending now: products whose views, cart additions and purchases of the last hours rise fastest above
    their usual level, with time decay; on sale and in stock only, fastest rise first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[LIMIT], responses={200: TrendingSerializer}, tags=["recommendations"])
    def get(self, request):
        shelf = selectors.trending_now(limit=_limit(request, selectors.TRENDING_LIMIT))
        body = {"source": shelf.source, **selectors.trending_window(), "results": shelf.products}
        return Response(TrendingSerializer(body, context={"request": request}).data)
