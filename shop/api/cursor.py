"""Keyset positions in an ordered list: what a cursor means, and the rows after it.

A page number says "skip N rows", so a row added before the page shifts everything after it and
an app scrolling a long list sees an item twice or never. A cursor instead says "after the row
whose sort key was (price 12.50, id 841)"; rows added or removed elsewhere do not move it.

The sort key is the list's ordering with the primary key last (added when missing, so the key is
unique). A cursor is signed: a client cannot make one up, and a cursor from one list is refused by
another: it names its ordering and a digest of the list's path and filters (its scope), since a
position is only "after" something within the rows it was taken from.
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

SALT = "shop.api.cursor"
INVALID = gettext_lazy(
    "This cursor is not valid here: use a `next_cursor` this list gave, with the same filters and ordering."
)


def ordering_of(queryset: QuerySet) -> tuple[str, ...]:
    """The queryset's ordering as field paths, ending with the primary key."""
    ordering = tuple(queryset.query.order_by) or tuple(queryset.model._meta.ordering)
    if not all(isinstance(term, str) for term in ordering):
        raise TypeError(f"cursor pagination needs an ordering by field names, not {ordering!r}")
    if not ordering or ordering[-1].lstrip("-") not in ("pk", "id"):
        ordering = (*ordering, "-pk" if ordering and ordering[-1].startswith("-") else "pk")
    return ordering


def scope_of(path: str, parameters: Iterable[tuple[str, Sequence[str]]], ignored: Iterable[str] = ()) -> str:
    """A short keyed digest of a list's path and query parameters: names in any order, each name's
    values in the order sent (a filter reads the last of them). Left out: `ignored` (the position's
    own, what may change between pages), and what never picks rows: `format`, a cache-buster `_`,
    campaign tags `utm_*`."""
    left_out = {*ignored, *NEVER_PICKS_ROWS}
    kept = sorted(
        (name, list(values)) for name, values in parameters if name not in left_out and not name.startswith("utm_")
    )
    return salted_hmac(f"{SALT}.scope", repr((path, kept)), algorithm="sha256").hexdigest()[:20]


NEVER_PICKS_ROWS = ("format", "_")
# A cursor signed before cursors named their scope goes on for this long after it was made.
UNSCOPED_CURSORS_LAST = timedelta(days=1)


def encode(row: Model, ordering: Sequence[str], scope: str) -> str:
    values = [_json_value(_value_of(row, term.lstrip("-"))) for term in ordering]
    return signing.dumps({"o": list(ordering), "s": scope, "v": values}, salt=SALT, compress=True)


def rows_after(queryset: QuerySet, cursor: str, scope: str) -> QuerySet:
    """The queryset, ordered by its sort key, from the row after the cursor's on."""
    ordering = ordering_of(queryset)
    try:
        position = signing.loads(cursor, salt=SALT)
    except signing.BadSignature as exc:
        raise ValidationError({"cursor": [INVALID]}) from exc
    if position.get("o") != list(ordering) or len(position.get("v", [])) != len(ordering):
        raise ValidationError({"cursor": [INVALID]})
    if "s" not in position:  # signed before cursors named their scope: good for a day after it was made
        try:
            signing.loads(cursor, salt=SALT, max_age=UNSCOPED_CURSORS_LAST)
        except signing.SignatureExpired as exc:
            raise ValidationError({"cursor": [INVALID]}) from exc
    elif position["s"] != scope:
        raise ValidationError({"cursor": [INVALID]})
    values = [
        _python_value(queryset.model, term.lstrip("-"), value)
        for term, value in zip(ordering, position["v"], strict=True)
    ]
    after = Q()
    for index, term in enumerate(ordering):
        name = term.lstrip("-")
        step = Q(**{f"{name}__{'lt' if term.startswith('-') else 'gt'}": values[index]})
        for earlier, value in zip(ordering[:index], values[:index], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        after |= step
    return queryset.order_by(*ordering).filter(after)


def _value_of(row: Model, path: str) -> Any:
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, "pk" if part == "pk" else part)
    return value


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _python_value(model: type[Model], path: str, value: Any) -> Any:
    field = _field_of(model, path)
    return field.to_python(value) if field is not None and value is not None else value


def _field_of(model: type[Model], path: str):
    try:
        *relations, name = path.split("__")
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        return model._meta.pk if name == "pk" else model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None  # an annotation: its value is compared as the JSON kept it
