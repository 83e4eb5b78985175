"""The schema is a contract: every API answer the tests receive is checked against it.

Generated SDKs trust the schema completely; an answer that strays from it (a field sent but not
documented, a null where none is allowed, a status no one declared) breaks them at run time. So
the test suite checks each answer it gets from `/api/v1`, strictly:
- the operation documents the status (no catch-all), and the content type;
- the body validates with OpenAPI 3.0's read rules (nullable, readOnly/writeOnly, formats), and an
  object may carry only the properties its schema names;
- the headers the response declares as required (Retry-After, ETag, ...) are there.

`ContractCheck` is a middleware the tests put first (conftest.py): with the test client a
mismatch raises in the test that caused it; in a server a test starts (shop.testing.gunicorn),
mismatches are appended to the file API_CONTRACT names and the test fails when the server stops.
Production never uses it: without API_CONTRACT the middleware steps aside, and the validator (a
development requirement, absent from the image) is imported only when an answer is checked.
"""

import copy
import functools
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.utils import translation

API_PREFIX = "/api/v1/"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern
    spec: dict


class Contract:
    def __init__(self, schema: dict):
        self.components = {"schemas": {name: _closed(body) for name, body in schema["components"]["schemas"].items()}}
        self.operations: list[Operation] = []
        # Literal paths before templated ones: /search/suggest is not /search/{anything}.
        for template in sorted(schema["paths"], key=lambda path: path.count("{")):
            regex = re.sub(r"\{[^}/]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
            for method, spec in schema["paths"][template].items():
                self.operations.append(Operation(method.upper(), template, re.compile(f"^{regex}/?$"), spec))

    def operation(self, method: str, path: str) -> Operation | None:
        method = "GET" if method == "HEAD" else method
        return next((op for op in self.operations if op.method == method and op.pattern.match(path)), None)

    def problems(self, method: str, path: str, status: int, headers, body: bytes) -> list[str]:
        """What in this answer the schema does not allow (nothing for requests it does not describe)."""
        operation = self.operation(method, path)
        if operation is None:
            return []
        where = f"{method} {path} → {status}"
        documented = operation.spec["responses"]
        response = documented.get(str(status))
        if response is None:
            return [f"{where}: status not documented (the operation documents {', '.join(sorted(documented))})"]
        problems = [
            f"{where}: no {name} header, which the schema requires"
            for name, header in response.get("headers", {}).items()
            if header.get("required") and name not in headers
        ]
        content = response.get("content")
        if not content or method == "HEAD":
            if body.strip() and method != "HEAD":
                problems.append(f"{where}: the schema documents no body, the answer has {body[:200]!r}")
            return problems
        media_type = (headers.get("Content-Type") or "").split(";")[0].strip()
        if media_type not in content:
            return [*problems, f"{where}: content type {media_type!r} not documented ({', '.join(content)})"]
        if media_type != "application/json":
            return problems
        try:
            document = json.loads(body)
        except ValueError:
            return [*problems, f"{where}: the body is not JSON: {body[:200]!r}"]
        return problems + [f"{where}: {error}" for error in self.errors(content[media_type]["schema"], document)]

    def errors(self, schema: dict, document) -> list[str]:
        from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker  # development only

        validator = OAS30ReadValidator(
            {**_closed(schema), "components": self.components}, format_checker=oas30_format_checker
        )
        return [_describe(error) for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path))]


def _describe(error) -> str:
    """Where and what, down to the branch of a oneOf that came closest."""
    from jsonschema.exceptions import best_match

    while error.context:
        error = best_match(error.context)
    return f"at {'/'.join(str(part) for part in error.absolute_path) or 'the top'}: {error.message}"


def _closed(schema):
    """The schema with every object that lists its properties closed to any others: an answer
    may not carry what the schema does not document."""
    schema = copy.deepcopy(schema)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for item in node:
                close(item)

    close(schema)
    return schema


@functools.cache
def contract() -> Contract:
    """The live schema of this code, as /api/schema/ serves it (or the file API_CONTRACT_SCHEMA names,
    written by the test process for the servers it starts)."""
    path = getattr(settings, "API_CONTRACT_SCHEMA", "")
    return Contract(json.loads(Path(path).read_text()) if path else live_schema())


@functools.cache
def live_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    # The contract is written in English whatever the process's language (translated help texts
    # are served with /api/schema/?lang=ru).
    with translation.override("en"):
        return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


@functools.cache
def schema_file() -> str:
    """The live schema in a file, once per process: servers a test starts read it instead of
    generating it again in every worker."""
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="openapi-", delete=False)  # noqa: SIM115
    with handle:
        json.dump(live_schema(), handle)
    return handle.name


class ContractCheck:
    """Checks each /api/v1 answer; API_CONTRACT is "raise" (the test client) or a file to report to."""

    def __init__(self, get_response):
        self.mode = getattr(settings, "API_CONTRACT", "")
        if not self.mode:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or getattr(response, "streaming", False):
            return response
        try:
            request.get_host()
        except DisallowedHost:  # refused before it reached the API (an unknown Host): not the API's answer
            return response
        problems = contract().problems(
            request.method, request.path, response.status_code, response.headers, response.content
        )
        if problems and self.mode == "raise":
            raise AssertionError("The answer breaks the OpenAPI schema:\n" + "\n".join(problems))
        if problems:
            with open(self.mode, "a", encoding="utf-8") as report:
                report.writelines(problem.replace("\n", " ") + "\n" for problem in problems)
        return response
