"""Languages: which one a request, a person or a mail speaks.

The shop speaks every language in settings.LANGUAGES. A page's language is in its address
(`/ru/...`; the shop's own language, LANGUAGE_CODE, has no prefix); an API answer's follows the
request's Accept-Language; a mail's is its recipient's, kept on the account.
"""

import os
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def supported(code: str | None) -> str | None:
    """The supported language closest to `code` ("ru-RU" → "ru"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip())
    except LookupError:
        return None


def from_accept_language(header: str) -> str | None:
    """The first supported language of an Accept-Language header, by the client's preference."""
    for code, _quality in translation.trans_real.parse_accept_lang_header(header or ""):
        if code == "*":
            break
        found = supported(code)
        if found:
            return found
    return None


def language_of(user, otherwise: str | None = None) -> str:
    """The language to write to `user` in: theirs if they chose or signed up in one, else
    `otherwise` (a supported language), else the shop's."""
    return supported(getattr(user, "language", "") or "") or supported(otherwise) or settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user, otherwise: str | None = None):
    """Render what is inside (a mail) in `user`'s language (see language_of)."""
    with translation.override(language_of(user, otherwise)):
        yield


def language_of_request(request) -> str:
    """The language an answer to `request` speaks: an API answer's is its Accept-Language's, a
    page's is the one its address names (no prefix: the shop's own)."""
    if request.path_info.startswith("/api/"):
        return from_accept_language(request.headers.get("Accept-Language", "")) or settings.LANGUAGE_CODE
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def operator_language(environ=os.environ) -> str:
    """The language of the person at the terminal, for the management commands' output: the
    locale variables in gettext's order (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; `ru_RU.UTF-8`,
    `ru:en`), else the shop's own language. The C and POSIX locales state no preference."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        codes = [code.split(".")[0].split("@")[0] for code in value.split(":")]
        codes = [code for code in codes if code and code not in ("C", "POSIX")]
        for code in codes:
            found = supported(code.replace("_", "-"))
            if found:
                return found
        if codes:
            break
    return settings.LANGUAGE_CODE
