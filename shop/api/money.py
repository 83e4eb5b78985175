"""Money in the API: always a decimal string with two places ("12.50"), in the shop's currency.

Floats lose cents, so amounts never travel as JSON numbers: prices and totals in answers, and the
price filters of the catalogue and search in queries, share this one description.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONEY_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^\d{0,10}(?:\.\d{0,2})?$",
    "description": "An amount: a decimal string with at most two places, such as 12.50.",
}


@extend_schema_field(MONEY_SCHEMA)
class MoneyQueryField(serializers.DecimalField):
    """A non-negative amount in a query string."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=0, **kwargs)
