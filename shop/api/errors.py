"""One error shape for the whole API: {"detail": "...", "errors": {field: [...]}}.

DRF answers validation errors as a bare field map; clients want a `detail`
sentence they can show, plus the per-field messages where a field is wrong.
"""

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shop.errors import DomainError


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers (the `Error` schema): what went wrong in a sentence a person can act
    on, a machine code, and for invalid input the messages per field."""

    detail = serializers.CharField(help_text="What went wrong and what to do about it.")
    code = serializers.CharField(
        help_text="A machine code: invalid, not_authenticated, authentication_failed, permission_denied, forbidden, "
        "not_found, conflict, unsupported_media_type, payload_too_large, throttled, unavailable, ..."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: field name → its messages (`non_field_errors` for the body as a whole).",
    )

    class Meta:
        ref_name = "Error"
        optional_in_answers = ["errors"]


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
        return ""
    if isinstance(errors, list):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
        return ""
    return str(errors)


# DRF writes a few messages without gettext; they are said again here, translated.
UNMARKED_BY_DRF = {"No data provided": gettext_lazy("The body is null: send a JSON object.")}


def _message(value) -> str:
    return str(UNMARKED_BY_DRF.get(str(value), value))


def _by_field(errors, path: str = "") -> dict[str, list[str]]:
    """Errors as the `Error` schema spells them, one path per field → its messages: a nested
    serializer's ({"translations": {0: {"name": [...]}}}) become "translations.0.name"."""
    if isinstance(errors, dict):
        found = {}
        for key, value in errors.items():
            found.update(_by_field(value, f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(errors, list) and any(isinstance(value, (dict, list)) for value in errors):
        found = {}
        for index, value in enumerate(errors):
            found.update(_by_field(value, f"{path}.{index}" if path else str(index)))
        return found
    messages = [_message(value) for value in errors] if isinstance(errors, list) else [_message(errors)]
    return {path or "non_field_errors": messages} if messages else {}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _by_field(response.data if isinstance(response.data, dict) else {"non_field_errors": response.data})
        response.data = {
            "detail": _first_message(errors) or _("The request is not valid."),
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        # One shape for every error: simplejwt's token `messages` and the like stay out of it.
        response.data = {"detail": str(response.data["detail"]), "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        # DRF fills the seconds in before translating ("Expected available in 5 seconds."): ours says it whole
        from accounts.throttling import too_many_message

        response.data["detail"] = too_many_message(math.ceil(exc.wait))
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        # Every 429 says when to come back, even when the throttle cannot tell (DRF then sends none).
        response["Retry-After"] = str(max(1, math.ceil(getattr(exc, "wait", None) or 1)))
    return response
