"""Deprecations: clients see them in every answer (headers) and in the schema, with six months' notice."""

from datetime import date

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from shop.api.deprecation import Deprecation, deprecated


class OldView(APIView):
    permission_classes: list = []
    authentication_classes: list = []

    @deprecated(since=date(2026, 1, 1), sunset=date(2026, 7, 1), note="Use /api/v1/new.")
    def get(self, request):
        return Response({"old": True})


class FieldsView(APIView):
    permission_classes: list = []
    authentication_classes: list = []

    @deprecated(since=date(2026, 1, 1), sunset=date(2026, 12, 1), fields=("legacy",))
    def get(self, request):
        return Response({"legacy": 1})


urlpatterns = [path("api/v1/old", OldView.as_view()), path("api/v1/fields", FieldsView.as_view())]


def test_answers_carry_deprecation_and_sunset_headers():
    response = OldView.as_view()(APIRequestFactory().get("/api/v1/old"))

    assert response["Deprecation"] == "@1767225600"  # 2026-01-01T00:00:00Z
    assert response["Sunset"] == "Wed, 01 Jul 2026 00:00:00 GMT"


def test_the_schema_marks_the_operation_and_names_the_fields():
    schema = SchemaGenerator(urlconf=__name__).get_schema(request=None, public=True)

    old = schema["paths"]["/api/v1/old"]["get"]
    fields = schema["paths"]["/api/v1/fields"]["get"]
    assert old["deprecated"] is True and "removed on 2026-07-01" in old["description"]
    assert "Use /api/v1/new." in old["description"]
    assert set(old["responses"]["200"]["headers"]) == {"Deprecation", "Sunset"}
    assert "deprecated" not in fields and "`legacy`" in fields["description"]


def test_less_than_six_months_notice_is_refused():
    with pytest.raises(ValueError, match="at least 180 days"):
        Deprecation(since=date(2026, 1, 1), sunset=date(2026, 3, 1))
