"""What a job is given and what it gives back."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext


@dataclass
class JobContext:
    """Shared by the jobs of one run. Spark starts on first use (about six seconds), so a
    chain whose jobs only talk to the warehouse never pays for it."""

    start_spark: Callable[[], object] | None = None
    stop_spark: Callable[[object], None] = lambda session: session.stop()
    # The run's version, written on every warehouse row: a later run's copy replaces an earlier one.
    version: int = field(default_factory=lambda: time.time_ns() // 1000)
    say: Callable[[str], None] = lambda message: None
    # Asked for by the caller: {"rebuild": True} makes data_aggregation recompute every day.
    options: dict = field(default_factory=dict)
    _spark: object = None
    spark_start_seconds: float | None = None

    @property
    def spark(self):
        if self._spark is None:
            if self.start_spark is None:
                raise RuntimeError("this job context has no Spark")
            self.say(gettext("starting Spark"))
            started = time.monotonic()
            self._spark = self.start_spark()
            self.spark_start_seconds = time.monotonic() - started
        return self._spark

    def close(self) -> None:
        if self._spark is not None:
            self.stop_spark(self._spark)
            self._spark = None


@dataclass
class JobResult:
    rows: dict[str, int] = field(default_factory=dict)
    details: dict = field(default_factory=dict)


class DataQualityError(Exception):
    """The warehouse disagrees with the shop's database; `differences` says where."""

    def __init__(self, differences: list[dict]):
        self.differences = differences
        days = ", ".join(difference["day"] for difference in differences[:10])
        if len(differences) > 10:
            days = gettext("%(days)s and %(more)d more") % {"days": days, "more": len(differences) - 10}
        super().__init__(
            ngettext(
                "The warehouse differs from the shop's database on %(count)d day: %(days)s",
                "The warehouse differs from the shop's database on %(count)d days: %(days)s",
                len(differences),
            )
            % {"count": len(differences), "days": days}
        )
