"""Access-log lines that carry no secret of the request.

The links we mail (sign-up confirmation, password reset) hold a token in their path, and a
client may send one in a query string: whoever reads the web server's log could use them. The
gunicorn logger here (docker/gunicorn.conf.py `logger_class`) writes the request line, path,
query and referrer with those parts replaced by `[redacted]`, and never writes the
Authorization or Cookie headers, whatever the access-log format asks for.
"""

import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
# /accounts/reset/<uid>/<token>/ and /accounts/signup/confirm/<uid>/<token>/ (the uid stays: it
# names an account, it opens nothing); Django swaps the reset token for "set-password" itself.
_TOKEN_IN_PATH = re.compile(r"(/(?:reset|signup/confirm)/[^/?#\s]+/)(?!set-password(?:[/?#\s]|$))[^/?#\s]+")
_HIDDEN_PARAMETERS = r"[\w.-]*token|key|code|password|secret|signature|sig|auth"
_SECRET_IN_QUERY = re.compile(rf"(?i)((?:^|[?&;])(?:{_HIDDEN_PARAMETERS})=)[^&;#\s]*")
_SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{proxy-authorization}i", "{set-cookie}o")


def redact(text: str) -> str:
    """`text` (a path, a query, a URL or a request line) with its tokens replaced."""
    if not text:
        return text
    return _SECRET_IN_QUERY.sub(rf"\1{REDACTED}", _TOKEN_IN_PATH.sub(rf"\1{REDACTED}", text))


class RedactingLogger(Logger):
    """gunicorn's logger, with the tokens of each request kept out of the access log."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        for name in _SECRET_HEADERS:
            if name in atoms:
                atoms[name] = REDACTED
        return atoms
