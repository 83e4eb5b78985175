"""Logging filters."""

import logging


class WithoutTraceback(logging.Filter):
    """One line instead of a traceback: for refusals that are routine, not faults.

    Scanners send every public server requests with a Host it does not serve; Django logs each
    with a traceback (logger `django.security.DisallowedHost`). Those are the client's mistake,
    answered 400: a warning line says so without burying real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
