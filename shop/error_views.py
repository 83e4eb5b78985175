"""Error pages: JSON for API clients, a page that says what to do for people."""

from django.http import JsonResponse
from django.shortcuts import render


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _answer(request, status: int, detail: str, template: str):
    if _wants_json(request):
        return JsonResponse({"detail": detail, "code": template}, status=status)
    return render(request, f"errors/{template}.html", {"detail": detail}, status=status)


def bad_request(request, exception=None):
    return _answer(request, 400, "The request could not be understood.", "400")


def permission_denied(request, exception=None):
    return _answer(request, 403, "You do not have permission to do that.", "403")


def page_not_found(request, exception=None):
    return _answer(request, 404, "Nothing lives at this address.", "404")


def server_error(request):
    return _answer(request, 500, "Something went wrong on our side. Please try again in a moment.", "500")
