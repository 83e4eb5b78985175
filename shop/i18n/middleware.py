"""Chooses each request's language, and sends people to the pages in the language they chose.

- A page's address names its language: `/ru/...` is Russian, an address without a prefix is in
  the shop's own language (LANGUAGE_CODE). So a link always shows what it showed before, and old
  links keep working.
- Someone who asks for a page without a prefix while preferring another language (the switcher's
  cookie, the language kept on their account, or else their browser's Accept-Language) is
  redirected to the same page under that language's prefix: GET and HEAD only, before any view
  runs, so nothing is recorded twice. An address that leads nowhere has nowhere to send them: its
  "not found" page speaks their language.
- The shop's own language also answers under its prefix (`/en/products/` when English is the
  shop's language): a permanent redirect to the address without it, so such links work too.
- The API (/api/...) never moves: it answers in the language of Accept-Language, and says which
  in Content-Language, like every other answer.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers

from shop import i18n

# Answers for machines, or files: never redirected to a language prefix.
NOT_PAGES = ("/api/", "/health/", "/metrics", "/media/", "/static/", "/i18n/", "/docs", "/favicon")


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def _preferred(request) -> str | None:
    """The language this person asked for, whatever the address says."""
    chosen = i18n.supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", ""):
        return i18n.supported(user.language)
    return i18n.from_accept_language(request.headers.get("Accept-Language", ""))


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        own_prefix = f"/{settings.LANGUAGE_CODE}/"
        if path.startswith(own_prefix) and request.method in ("GET", "HEAD"):
            # One leading slash: `/en//evil.example` must not become a link to another site.
            return self._without_own_prefix(request, "/" + path[len(own_prefix) :].lstrip("/"))
        redirect = None
        language = i18n.language_of_request(request)
        if not is_api(path) and language == settings.LANGUAGE_CODE and not path.startswith(NOT_PAGES):
            preferred = _preferred(request)
            if preferred and preferred != settings.LANGUAGE_CODE and not translation.get_language_from_path(path):
                redirect = self._redirect_to_preferred(request, path, preferred)
                if redirect is None:
                    language = self._language_of_a_missing_page(request, path, preferred) or language
        if redirect is not None:
            return redirect
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if not path.startswith(NOT_PAGES) or is_api(path):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    @staticmethod
    def _without_own_prefix(request, path: str) -> HttpResponsePermanentRedirect:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(
            f"{request.META.get('SCRIPT_NAME', '')}{path}" + (f"?{query}" if query else "")
        )

    @staticmethod
    def _language_of_a_missing_page(request, path: str, preferred: str) -> str | None:
        """An address without a prefix that leads nowhere has no page in any language to send anyone
        to: its "not found" page speaks the preferred language rather than the shop's."""
        with translation.override(settings.LANGUAGE_CODE):
            if is_valid_path(path, getattr(request, "urlconf", None)):
                return None
        return preferred

    @staticmethod
    def _redirect_to_preferred(request, path: str, preferred: str) -> HttpResponseRedirect | None:
        """The same page in the preferred language (not the shop's own), for an address without a
        prefix yet (`/products/` → `/ru/products/`)."""
        if request.method not in ("GET", "HEAD"):
            return None
        target = f"/{preferred}{path}"
        with translation.override(preferred):
            if not is_valid_path(target, getattr(request, "urlconf", None)):
                return None
        query = request.META.get("QUERY_STRING", "")
        location = f"{request.META.get('SCRIPT_NAME', '')}{target}" + (f"?{query}" if query else "")
        response = HttpResponseRedirect(location)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
