"""How each API operation is described in the OpenAPI schema (drf-spectacular's AutoSchema, adjusted).

Clients generate their SDKs from the schema, so it says exactly what an operation answers:
- the error statuses it can give, each with the `Error` body (no catch-all `default`, which
  generators turn into "anything may come back"), derived from what the view is made of:
  a body to parse, a path id to look up, authentication, permissions, throttles;
- path ids as integers, as the URL patterns match them;
- every field of an answer as required, since the answer always has it (but for fields a
  serializer declares `Meta.optional_in_answers`), so clients need not treat them as optional;
- security only where a credential is required: operations anyone may call declare none,
  because generators otherwise insist on an authenticated client;
- conditional reads (ETag, 304) and deprecations where the view has them.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions
from rest_framework.request import Request

from shop.api import conditional, deprecation
from shop.api.errors import ErrorSerializer
from shop.converters import ID_REGEX

ERROR_DESCRIPTIONS = {
    400: "The input is not valid: `detail` says why, `errors` names the fields.",
    401: "No credentials, or credentials that are wrong or expired.",
    403: "Signed in, but not allowed to do this.",
    404: "Nothing with this id (or nothing you may see).",
    409: "Well formed, but the current state refuses it (stock, status, already done).",
    413: "The body is larger than the limit.",
    415: "The body is not JSON (`Content-Type: application/json`).",
    429: "Too many attempts: wait `Retry-After` seconds.",
    503: "A service the shop needs is not answering: retry after `Retry-After` seconds.",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}

# Permissions that never refuse a signed-in user a read: a read behind them cannot answer 403.
_OPEN_TO_ANY_USER = {permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly}
# As the ids in the answers are written (an integer, no format), so clients pass one to the other as is.
ID_SCHEMA = {"type": "integer", "minimum": 1}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in sorted(self.error_statuses(operation)):
            responses.setdefault(str(status), self._error_response(status))
        for status in ("429", "503"):  # however they were declared, they say when to come back
            if status in responses:
                responses[status].setdefault("headers", {}).update(RETRY_AFTER)
        conditional.document(self.view, self.method, operation)
        deprecation.document(self.view, self.method, operation)
        return operation

    def get_auth(self):
        """No security requirement where anonymous callers are allowed."""
        requirements = super().get_auth()
        return [] if {} in requirements or self._anyone_may() else requirements

    def _anyone_may(self) -> bool:
        """Whether the view's permissions let an anonymous caller through for this method (asked of the
        permissions themselves, so a project permission such as "read-only or staff" counts too)."""
        request = Request(HttpRequest())
        request.method, request.user = self.method, AnonymousUser()
        try:
            return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
        except Exception:  # a permission that needs more of a request than this: not open to anyone
            return False

    def _map_basic_serializer(self, serializer, direction):
        """In answers every field is always there (required), but those a serializer names in
        `Meta.optional_in_answers`: a field optional to send is not optional to receive."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            optional = set(getattr(getattr(serializer, "Meta", None), "optional_in_answers", ()))
            schema["required"] = sorted({*schema.get("required", []), *schema["properties"]} - optional)
        return schema

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID_REGEX}$":
                parameter["schema"] = dict(ID_SCHEMA)
        return parameters

    def error_statuses(self, operation: dict) -> set[int]:
        """The error statuses this operation can answer, read from what the view is made of."""
        view, method = self.view, self.method
        has_body = "requestBody" in operation
        parameters = operation.get("parameters", [])
        statuses = {503}  # the database can always be down (shop.error_views.server_error)
        if has_body or any(parameter["in"] == "query" for parameter in parameters):
            statuses.add(400)
        if has_body:
            statuses |= {413, 415}
        if any(parameter["in"] == "path" for parameter in parameters) or self._paginates():
            statuses.add(404)  # an unknown id; for a list, a page past its end
        if view.get_authenticators():
            statuses.add(401)
            denies_reads = not self._anyone_may() and any(
                type(p) not in _OPEN_TO_ANY_USER for p in view.get_permissions()
            )
            if method not in permissions.SAFE_METHODS or denies_reads:
                statuses.add(403)  # the permission, a service's Forbidden, or CSRF for a session
        if view.get_throttles():
            statuses.add(429)
        return statuses

    def _paginates(self) -> bool:
        return self._is_list_view() and self._get_paginator() is not None

    def _error_response(self, status: int) -> dict:
        component = self.resolve_serializer(ErrorSerializer, "response")
        response = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": component.ref}},
        }
        return response


def errors(*statuses: int) -> dict:
    """Error answers a view declares itself, beside those derived above (409 comes from services), for
    `extend_schema(responses={...})`."""
    return {status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status]) for status in statuses}
