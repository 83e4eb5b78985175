"""What the recommendation jobs train on: a window of the warehouse's facts and events, and its fingerprint.

The window is the last RECOMMENDATIONS_LOOKBACK_DAYS days. `until` (a job option)
ends it earlier: the offline evaluation trains on what happened before a cut-off
and checks the predictions against what came after (docs/recommendations.md).
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext

from analytics.warehouse import warehouse
from recommendations import models_table
from spark_jobs.context import JobContext, JobResult

NOT_CANCELLED = "status != 'cancelled'"


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime | None = None

    @classmethod
    def for_job(cls, options: dict) -> "Window":
        until = options.get("until")
        if until is not None:
            until = until.astimezone(UTC).replace(tzinfo=None) if until.tzinfo else until
        end = until or datetime.now(UTC).replace(tzinfo=None)
        return cls(since=end - timedelta(days=settings.RECOMMENDATIONS_LOOKBACK_DAYS), until=until)

    def on(self, column: str) -> str:
        """A condition on a DateTime column; the values are datetimes this module formatted."""
        condition = f"{column} >= toDateTime('{self.since:%Y-%m-%d %H:%M:%S}')"
        if self.until is not None:
            condition += f" AND {column} < toDateTime('{self.until:%Y-%m-%d %H:%M:%S}')"
        return condition

    def describe(self) -> dict:
        return {"since": self.since.isoformat(), "until": self.until.isoformat() if self.until else None}


def purchased_lines(window: Window) -> str:
    """(order_id, buyer_id, product_id) of every line of an order placed in the window and not cancelled.

    Each row's newest copy (FINAL); ALL INNER JOIN keeps every line of an order on every
    ClickHouse version (see data_aggregation._sold_lines).
    """
    return (
        "SELECT order_id, buyer_id, product_id FROM "
        f"(SELECT order_id, product_id FROM order_lines FINAL WHERE {window.on('order_created_at')} "
        "AND product_id != 0) AS line "
        f"ALL INNER JOIN (SELECT order_id, buyer_id FROM orders FINAL WHERE {window.on('created_at')} "
        f"AND {NOT_CANCELLED}) AS placed USING order_id"
    )


def fingerprint(sql: str, columns: str, **parameters) -> tuple[int, int]:
    """(rows, a 64-bit fingerprint) of `sql`'s result and the job's parameters.

    Computed inside the warehouse (the rows do not move): the wrapping sum of each
    row's hash, so the order rows come in does not matter.
    """
    found = warehouse().query(f"SELECT count() AS n, toString(sum(cityHash64({columns}))) AS h FROM ({sql})")[0]
    settings_hash = int.from_bytes(hashlib.sha256(repr(sorted(parameters.items())).encode()).digest()[:8], "big")
    return int(found["n"]), (int(found["h"]) ^ settings_hash) & (2**64 - 1)


def already_trained(model: str, print_: int, context: JobContext, window: Window) -> JobResult | None:
    """The current model's result when it was trained on this very input and no rebuild was asked for."""
    current = models_table.newest(model)
    if current is None or current["fingerprint"] != print_ or context.options.get("rebuild"):
        return None
    context.say(
        gettext("%(model)s: input unchanged since model %(version)s, not trained again")
        % {"model": model, "version": current["version"]}
    )
    return JobResult(details={"skipped": True, "model_version": current["version"], **window.describe()})
