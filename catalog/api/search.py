"""GET /api/v1/search and /api/v1/search/suggest."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog.search import queries
from catalog.search.results import SearchParams
from shop.sessions import session_pseudonym


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, trim_whitespace=True)
    type = serializers.ChoiceField(choices=["products", "sellers", "comments"], default="products")
    category = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    seller = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    min_price = serializers.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=0)
    max_price = serializers.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=0)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    page = serializers.IntegerField(required=False, min_value=1, max_value=500, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    def validate(self, data):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": [_("max_price must not be below min_price.")]})
        return data


class FacetSerializer(serializers.Serializer):
    value = serializers.JSONField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The id of the product, seller profile or comment.")
    type = serializers.ChoiceField(choices=["product", "seller", "comment"])
    title = serializers.CharField()
    highlight = serializers.CharField(help_text="HTML-escaped text with the matching words in <mark>.")
    score = serializers.FloatField(allow_null=True)
    url = serializers.CharField()


class SearchAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    engine = serializers.ChoiceField(choices=["search", "database"], help_text="Which backend answered.")
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetSerializer(many=True))


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
