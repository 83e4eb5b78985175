"""One error shape for the whole API: {"detail": "...", "errors": {field: [...]}}.

DRF answers validation errors as a bare field map; clients want a `detail`
sentence they can show, plus the per-field messages where a field is wrong.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shop.errors import DomainError


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
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {
            "detail": _first_message(errors) or _("The request is not valid."),
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(exc, "default_code", "error")
        response.data["detail"] = str(response.data["detail"])
    return response
