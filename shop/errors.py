"""Errors that services raise when a business rule says no.

Each carries the HTTP status it maps to, so the API and the storefront turn the
same rule into the same answer without knowing the rule.
"""


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # A short machine name for metrics (checkout failures by reason); the code otherwise.
        self.reason = reason or self.code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request is well formed but the current state refuses it (stock, status)."""

    status_code = 409
    code = "conflict"


class StaleStock(Conflict):
    """A seller set the stock from a figure that has changed since they saw it; `current` is the figure now."""

    def __init__(self, message: str, *, current: int):
        super().__init__(message, field="stock", reason="stale_stock")
        self.current = current
