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
