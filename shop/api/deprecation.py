"""Retiring parts of /api/v1 without breaking the apps that use them (README, "Deprecation policy").

An operation, or some fields of its answer, is marked with `@deprecated(since=..., sunset=...)` on
the view's handler. From then on:
- every answer of that operation carries `Deprecation: @<unix time of since>` (RFC 9745) and
  `Sunset: <HTTP date>` (RFC 8594), so an app's logs show what it still uses;
- the schema marks the operation `deprecated` (for fields: names them in its description, and the
  serializer lists them in `extend_schema_serializer(deprecate_fields=...)`), so regenerated SDKs
  flag the calls;
- the field or operation stays until the sunset date, which the policy puts at least
  `MINIMUM_NOTICE` after the deprecation: a shorter notice is refused when the module loads.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils.http import http_date

MINIMUM_NOTICE = timedelta(days=180)


@dataclass(frozen=True)
class Deprecation:
    since: date
    sunset: date
    fields: tuple[str, ...] = ()  # empty: the whole operation
    note: str = ""

    def __post_init__(self):
        if self.sunset - self.since < MINIMUM_NOTICE:
            raise ValueError(
                f"A deprecation gives clients at least {MINIMUM_NOTICE.days} days: "
                f"{self.since} → {self.sunset} is {(self.sunset - self.since).days}."
            )

    def headers(self) -> dict[str, str]:
        since = datetime.combine(self.since, datetime.min.time(), UTC)
        sunset = datetime.combine(self.sunset, datetime.min.time(), UTC)
        return {"Deprecation": f"@{int(since.timestamp())}", "Sunset": http_date(sunset.timestamp())}

    def describe(self) -> str:
        what = (
            f"The fields {', '.join(f'`{name}`' for name in self.fields)} are" if self.fields else "This operation is"
        )
        text = f"{what} deprecated since {self.since} and will be removed on {self.sunset}."
        return f"{text} {self.note}".strip()


def deprecated(*, since: date, sunset: date, fields: tuple[str, ...] = (), note: str = ""):
    """Mark a view handler (or its fields) deprecated: headers on its answers, flags in the schema."""
    notice = Deprecation(since=since, sunset=sunset, fields=tuple(fields), note=note)

    def decorate(handler):
        @functools.wraps(handler)
        def with_headers(view, request, *args, **kwargs):
            response = handler(view, request, *args, **kwargs)
            for name, value in notice.headers().items():
                response[name] = value
            return response

        with_headers.deprecation = notice
        return with_headers

    return decorate


def notice_of(view, method: str) -> Deprecation | None:
    action = getattr(view, "action", None) if hasattr(view, "action_map") else None
    handler = getattr(view, action or method.lower(), None)
    return getattr(handler, "deprecation", None)


HEADERS = {
    "Deprecation": {"description": "When this was deprecated (RFC 9745).", "schema": {"type": "string"}},
    "Sunset": {"description": "When it will be removed (RFC 8594).", "schema": {"type": "string"}},
}


def document(view, method: str, operation: dict) -> None:
    """The schema side: `deprecated` on the operation, the sunset in its description, the headers."""
    notice = notice_of(view, method)
    if notice is None:
        return
    if not notice.fields:
        operation["deprecated"] = True
    operation["description"] = f"{operation.get('description', '')}\n\n{notice.describe()}".strip()
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response.setdefault("headers", {}).update(
                {name: {**spec, "required": True} for name, spec in HEADERS.items()}
            )
