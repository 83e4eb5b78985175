"""Refuse oversized request bodies before any view reads them."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from shop import i18n


def _limit_for(content_type: str) -> int:
    """Uploads may be as large as an image allows; everything else stays small."""
    if content_type.startswith("multipart/"):
        return settings.MAX_REQUEST_BYTES
    return settings.MAX_BODY_BYTES


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = _limit_for(request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            language = i18n.language_of_request(request)  # before the language middleware
            with translation.override(language):
                message = _("The request body is %(length)d bytes; the limit is %(limit)d bytes.") % {
                    "length": length,
                    "limit": limit,
                }
            if request.path.startswith("/api/"):
                response = JsonResponse({"detail": message, "code": "payload_too_large"}, status=413)
            else:
                response = HttpResponse(message, status=413, content_type="text/plain")
            response["Content-Language"] = language
            return response
        return self.get_response(request)
