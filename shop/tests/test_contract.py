"""The contract check: what it refuses, and that it runs in every test."""

import pytest
from django.conf import settings

from shop.api.contract import Contract

SCHEMA = {
    "paths": {
        "/api/v1/things/{id}": {
            "get": {
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "204": {"description": "no body"},
                    "429": {
                        "content": {"application/json": {"schema": {"type": "object"}}},
                        "headers": {"Retry-After": {"required": True, "schema": {"type": "integer"}}},
                    },
                }
            }
        },
        "/api/v1/things/special": {"get": {"responses": {"204": {"description": "literal before templated"}}}},
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "when": {"type": "string", "format": "date-time"},
                    "owner": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/Owner"},
                            {"type": "object", "nullable": True, "enum": [None]},
                        ]
                    },
                    "secret": {"type": "string", "writeOnly": True},
                },
                "required": ["id", "owner"],
            },
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        }
    },
}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def contract():
    return Contract(SCHEMA)


def test_a_documented_answer_passes(contract):
    body = b'{"id": 1, "when": "2026-01-02T03:04:05Z", "owner": {"name": "Ann"}}'

    assert contract.problems("GET", "/api/v1/things/1", 200, JSON, body) == []
    assert contract.problems("GET", "/api/v1/things/1/", 200, JSON, b'{"id": 1, "owner": null}') == []


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b'{"id": 1, "owner": null, "extra": 2}', "'extra' was unexpected"),
        (b'{"id": 1, "owner": {"name": "Ann", "age": 3}}', "'age' was unexpected"),
        (b'{"id": null, "owner": null}', "None for not nullable"),
        (b'{"id": 1}', "'owner' is a required property"),
        (b'{"id": 1, "owner": null, "when": "yesterday"}', "is not a 'date-time'"),
        (b'{"id": 1, "owner": null, "secret": "s"}', "write-only"),
        (b"not json", "not JSON"),
    ],
)
def test_a_body_the_schema_does_not_allow_is_named(contract, body, complaint):
    problems = contract.problems("GET", "/api/v1/things/1", 200, JSON, body)

    assert problems and complaint in " ".join(problems), problems


def test_an_undocumented_status_is_a_problem(contract):
    (problem,) = contract.problems("GET", "/api/v1/things/1", 500, JSON, b"{}")

    assert "status not documented" in problem and "200, 204, 429" in problem


def test_a_required_header_and_the_content_type_are_checked(contract):
    assert "no Retry-After header" in contract.problems("GET", "/api/v1/things/1", 429, JSON, b"{}")[0]
    assert (
        "content type 'text/html'"
        in contract.problems("GET", "/api/v1/things/1", 200, {"Content-Type": "text/html"}, b"<p>")[0]
    )
    assert "documents no body" in contract.problems("GET", "/api/v1/things/1", 204, {}, b'{"a": 1}')[0]


def test_literal_paths_win_and_unknown_operations_are_left_alone(contract):
    assert contract.problems("GET", "/api/v1/things/special", 204, {}, b"") == []
    assert contract.problems("DELETE", "/api/v1/things/1", 405, JSON, b"{}") == []
    assert contract.problems("GET", "/elsewhere", 200, JSON, b"[]") == []


def test_every_test_checks_its_api_answers(api, product, monkeypatch):
    """An answer that sends a field the schema does not document fails the test that receives it."""
    from catalog.api.serializers import ProductSerializer

    assert settings.API_CONTRACT == "raise"
    original = ProductSerializer.to_representation
    monkeypatch.setattr(ProductSerializer, "to_representation", lambda self, p: {**original(self, p), "oops": 1})

    with pytest.raises(AssertionError, match="'oops' was unexpected"):
        api.get(f"/api/v1/products/{product.pk}")
