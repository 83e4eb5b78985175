"""A product's images read in the product's own query: one JSON array per product row.

A list used to fetch its images in a second query. Under load a query's round trip costs more
than its rows (the worker sleeps, the database wakes, the worker wakes again): on the two-core
benchmark machine the API list went from 0.73× to 0.88× of the bare DRF list once its images and
its total stopped costing queries of their own (docs/benchmarks.md). The array is built by the
database from the image table's own columns, in the model's field order, and turned back into
model instances here.
"""

import json
from datetime import UTC

from django.db import NotSupportedError, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# How each database builds the array: a row's columns as a JSON array, its images as an array of
# those. PostgreSQL's jsonb columns nest as they are; SQLite keeps JSON as text, which json() nests.
# A product without images reads NULL on PostgreSQL and "[]" on SQLite.
_AGGREGATES = {
    "postgresql": "json_agg(json_build_array({columns}))::text",
    "sqlite": "json_group_array(json_array({columns}))",
}


class ImageRows(models.Func):
    """The images of the product on each row, as the text of a JSON array of column arrays.

    A correlated subquery on the product's own key, so it follows the product's alias wherever
    the query puts it (a subquery, a join).
    """

    output_field = models.TextField()

    def __init__(self, image_model: type[models.Model]) -> None:
        super().__init__(models.F("pk"))
        self.image_model = image_model

    def as_sql(self, compiler, connection, **extra):
        product_key, params = compiler.compile(self.get_source_expressions()[0])
        if connection.vendor not in _AGGREGATES:
            raise NotSupportedError(f"a product's images in its own query are written for {', '.join(_AGGREGATES)}")
        aggregate = _AGGREGATES[connection.vendor]
        quote = connection.ops.quote_name
        meta = self.image_model._meta
        columns = []
        for field in meta.concrete_fields:
            column = f"image_row.{quote(field.column)}"
            if connection.vendor == "sqlite" and isinstance(field, models.JSONField):
                column = f"json({column})"
            columns.append(column)
        foreign_key = quote(meta.get_field("product").column)
        sql = (
            f"(SELECT {aggregate.format(columns=', '.join(columns))} FROM {quote(meta.db_table)} image_row"  # noqa: S608
            f" WHERE image_row.{foreign_key} = {product_key})"
        )
        return sql, params


def images_from_rows(image_model: type[models.Model], text: str | None, using: str) -> list[models.Model]:
    """The images a row's ImageRows column holds, as model instances (in no particular order).

    Values arrive as JSON has them: booleans (SQLite keeps 0 and 1) and timestamps are turned back
    here, JSON columns arrive already nested (the SQL above). `test_image_rows` compares every
    field with the instances a plain query builds.
    """
    if not text:
        return []
    fields = image_model._meta.concrete_fields
    names = [field.attname for field in fields]
    converters = [_converter(field) for field in fields]
    return [image_model.from_db(using, names, _values(converters, row)) for row in json.loads(text)]


def _values(converters: list, row: list) -> list:
    return [value if value is None else convert(value) for convert, value in zip(converters, row, strict=True)]


def _converter(field: models.Field):
    """How a JSON value becomes what the field holds in Python."""
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DateTimeField):
        return _moment
    return _as_is


def _moment(text: str):
    moment = parse_datetime(text)
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _as_is(value):
    return value
