"""The OpenAPI schema is valid and complete enough to generate a client from."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.json"

    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))

    schema = json.loads(target.read_text())
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len({op["operationId"] for op in operations}) == len(operations)
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


# What generated clients need from the schema (each of these broke an SDK generated from it).


@pytest.fixture(scope="module")
def schema():
    from shop.api.contract import live_schema

    return live_schema()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _walk(node, where=""):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def test_request_bodies_are_json_but_the_image_upload(schema):
    media = {name: sorted(op["requestBody"]["content"]) for name, op in _operations(schema) if "requestBody" in op}

    assert media.pop("POST /api/v1/products/{id}/image") == ["multipart/form-data"]
    assert media and set(map(tuple, media.values())) == {("application/json",)}


def test_every_status_is_declared_with_the_error_shape_and_no_catch_all(schema):
    for name, operation in _operations(schema):
        responses = operation["responses"]
        assert "default" not in responses, name
        assert "503" in responses and responses["503"]["headers"]["Retry-After"]["required"], name
        for status, response in responses.items():
            if status[0] in "45":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "429" in schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/purchases"]["post"]["responses"]


def test_path_ids_are_integers(schema):
    for name, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", (name, parameter)


def test_nullable_always_sits_beside_a_type(schema):
    offenders = [where for where, node in _walk(schema) if node.get("nullable") and "type" not in node]

    assert offenders == []
    assert "NullEnum" not in schema["components"]["schemas"]


def test_money_is_a_decimal_string_everywhere(schema):
    money = {"price", "total", "subtotal", "unit_price", "line_total", "min_price", "max_price"}
    found = [
        (where, node.get("schema", node))
        for where, node in _walk(schema)
        if (where.rsplit("/", 1)[-1] in money and node.get("type") != "array")  # not the `price` facet list
        or (node.get("in") == "query" and node.get("name") in money)
    ]

    assert len(found) > 10
    for where, description in found:
        assert description["type"] == "string" and description["format"] == "decimal", where


def test_filters_ids_and_page_sizes_are_typed_and_bounded(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/products"]["get"]["parameters"]}

    assert parameters["seller"]["type"] == "integer" and parameters["category"]["type"] == "integer"
    assert parameters["page_size"]["maximum"] == 100 and parameters["page_size"]["minimum"] == 1
    assert parameters["cursor"]["type"] == "string"
    search = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert search["page_size"]["maximum"] == 50


def test_security_is_declared_only_where_a_credential_is_required(schema):
    public = {"GET /api/v1/products", "GET /api/v1/products/{id}", "GET /api/v1/search", "POST /api/v1/auth/login"}
    for name, operation in _operations(schema):
        if name in public or name.startswith("GET /api/v1/categories") or name.startswith("GET /api/v1/sellers"):
            assert not operation.get("security"), name
    assert schema["paths"]["/api/v1/cart"]["get"]["security"][0] == {"jwtAuth": []}


def test_search_hits_are_one_of_three_kinds_told_apart_by_type(schema):
    hit = schema["components"]["schemas"]["Hit"]
    answer = schema["components"]["schemas"]["SearchAnswer"]["properties"]

    assert hit["discriminator"]["propertyName"] == "type"
    assert sorted(hit["discriminator"]["mapping"]) == ["comment", "product", "seller"]
    assert answer["results"]["items"] == {"$ref": "#/components/schemas/Hit"}
    product_hit = schema["components"]["schemas"]["ProductHit"]["properties"]
    assert {"price", "in_stock", "seller_name", "rating"} <= set(product_hit)
    assert "slug" in schema["components"]["schemas"]["SellerHit"]["properties"]
    facets = schema["components"]["schemas"]["SearchFacets"]["properties"]
    assert facets["in_stock"]["items"] == {"$ref": "#/components/schemas/StockFacet"}


def test_order_statuses_are_the_enum_and_the_first_has_none(schema):
    components = schema["components"]["schemas"]
    enum = {"$ref": "#/components/schemas/OrderStatusEnum"}

    assert components["Purchase"]["properties"]["next_statuses"]["items"] == enum
    assert components["StatusChange"]["properties"]["from_status"]["oneOf"][0] == enum
    assert components["User"]["properties"]["seller_profile"]["oneOf"][1]["enum"] == [None]


def test_logout_documents_its_empty_answer(schema):
    responses = schema["paths"]["/api/v1/auth/logout"]["post"]["responses"]

    assert "content" not in responses["204"]
