"""GET /api/v1/search and /api/v1/search/suggest."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog.search import queries
from catalog.search.results import PRICE_RANGE_KEYS, SearchParams
from shop.api.money import MoneyQueryField
from shop.sessions import session_pseudonym


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, trim_whitespace=True)
    type = serializers.ChoiceField(choices=["products", "sellers", "comments"], default="products")
    category = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    seller = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    min_price = MoneyQueryField(required=False)
    max_price = MoneyQueryField(required=False)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    page = serializers.IntegerField(required=False, min_value=1, max_value=500, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    def validate(self, data):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": [_("max_price must not be below min_price.")]})
        return data


class _Facet(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField(min_value=0)


class IdFacetSerializer(_Facet):
    value = serializers.IntegerField(help_text="The id to filter by (category or seller).")


class StockFacetSerializer(_Facet):
    value = serializers.BooleanField(help_text="The `in_stock` filter value.")


class PriceFacetSerializer(_Facet):
    value = serializers.ChoiceField(
        choices=PRICE_RANGE_KEYS, help_text="A price range: `low-high`, or `low-` for no upper bound."
    )


class RatingFacetSerializer(_Facet):
    value = serializers.IntegerField(min_value=1, max_value=5, help_text="A review's stars.")


class SearchFacetsSerializer(serializers.Serializer):
    """Counts per filter value among all matches: product searches have the first four, comment searches `rating`,
    seller searches none."""

    category = IdFacetSerializer(many=True, required=False)
    seller = IdFacetSerializer(many=True, required=False)
    in_stock = StockFacetSerializer(many=True, required=False)
    price = PriceFacetSerializer(many=True, required=False)
    rating = RatingFacetSerializer(many=True, required=False)

    class Meta:
        optional_in_answers = ["category", "seller", "in_stock", "price", "rating"]


class _Hit(serializers.Serializer):
    title = serializers.CharField(help_text="The product's title, the shop's name, or the reviewed product's title.")
    highlight = serializers.CharField(help_text="HTML-escaped text with the matching words in <mark>.")
    score = serializers.FloatField(allow_null=True, help_text="Relevance, when the search engine answered a query.")
    url = serializers.CharField(help_text="The storefront page of the hit.")


class ProductHitSerializer(_Hit):
    id = serializers.IntegerField(help_text="The product's id.")
    type = serializers.ChoiceField(choices=["product"])
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    in_stock = serializers.BooleanField()
    category = serializers.IntegerField()
    seller = serializers.IntegerField(help_text="The seller's user id.")
    seller_name = serializers.CharField(help_text="The seller's shop name.")
    rating = serializers.FloatField(help_text="The average rating, 0 when not yet reviewed.")


class SellerHitSerializer(_Hit):
    id = serializers.IntegerField(help_text="The seller profile's id.")
    type = serializers.ChoiceField(choices=["seller"])
    slug = serializers.CharField()


class CommentHitSerializer(_Hit):
    id = serializers.IntegerField(help_text="The review's id.")
    type = serializers.ChoiceField(choices=["comment"])
    product = serializers.IntegerField(help_text="The reviewed product's id.")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    author_name = serializers.CharField()


HITS = PolymorphicProxySerializer(
    component_name="Hit",
    serializers={"product": ProductHitSerializer, "seller": SellerHitSerializer, "comment": CommentHitSerializer},
    resource_type_field_name="type",
    many=True,
)


class SearchAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    engine = serializers.ChoiceField(choices=["search", "database"], help_text="Which backend answered.")
    results = HITS
    facets = SearchFacetsSerializer()


class SuggestQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=1, max_length=100)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=["product", "seller"])
    title = serializers.CharField()


class SuggestAnswerSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)


class SearchView(APIView):
    """Search products, sellers or comments: relevance order, typo tolerance, facets and highlights."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchAnswerSerializer, tags=["search"])
    def get(self, request):
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = SearchParams(**query.validated_data)
        page = queries.search(params)
        services.record_search(
            q=params.q, kind=params.type, results=page.count, user=request.user, session_key=session_pseudonym(request)
        )
        return Response(
            {
                "count": page.count,
                "page": params.page,
                "page_size": params.page_size,
                "engine": page.engine,
                "results": page.results,
                "facets": page.facets,
            }
        )


class SuggestView(APIView):
    """Complete what a shopper is typing: product titles and shop names that start with it."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SuggestQuerySerializer], responses=SuggestAnswerSerializer, tags=["search"])
    def get(self, request):
        query = SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response({"suggestions": queries.suggest(query.validated_data["q"])})
