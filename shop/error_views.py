"""Error pages: JSON for API clients, a page that says what to do for people."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Every 503 (here and /health/ready) tells clients and load balancers when to try again.
RETRY_AFTER_SECONDS = 30


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _answer(request, status: int, detail: str, template: str):
    if _wants_json(request):
        return JsonResponse({"detail": detail, "code": template}, status=status)
    if not hasattr(request, "user"):
        # Refused before the middleware ran (an unknown Host, a broken cookie): the context
        # processors would read a user, a session and a host that this request does not have.
        return HttpResponse(render_to_string(f"errors/{template}.html", {"detail": detail}), status=status)
    return render(request, f"errors/{template}.html", {"detail": detail}, status=status)


def bad_request(request, exception=None):
    return _answer(request, 400, _("The request could not be understood."), "400")


def permission_denied(request, exception=None):
    return _answer(request, 403, _("You do not have permission to do that."), "403")


def page_not_found(request, exception=None):
    return _answer(request, 404, _("Nothing lives at this address."), "404")


def server_error(request):
    """500, or 503 when the database is what failed: the client should simply retry.

    Django calls this inside its exception handler, so the error is still at hand. The
    503 page renders without context processors: they would ask the database again.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        detail = _("The shop's database is not answering right now. Please try again in a minute.")
        if _wants_json(request):
            response = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
        else:
            response = HttpResponse(render_to_string("errors/503.html", {"detail": detail}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _answer(request, 500, _("Something went wrong on our side. Please try again in a moment."), "500")
