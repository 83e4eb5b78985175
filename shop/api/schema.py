"""OpenAPI schema hooks."""


def strip_optional_slash(endpoints, **kwargs):
    """Routes accept an optional trailing slash; document them as the seed names them, without it."""
    return [
        (path.rstrip("/") if path != "/" else path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a sentence a person can act on, a machine code, and per-field messages.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong and what to do."},
        "code": {"type": "string", "description": "invalid, not_found, conflict, forbidden, throttled, ..."},
        "errors": {
            "type": "object",
            "description": "For invalid input: field → messages (nested fields nest).",
            "additionalProperties": True,
        },
    },
    "required": ["detail"],
}


def document_errors(result, generator, request, public):
    """Give every operation a `default` response with the error shape, so a generated client
    knows what a 400, 401, 403, 404, 409, 413 or 429 carries (shop.api.errors)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(
                    "default", {"description": "An error (see the Error schema)", "content": reference}
                )
    return result
