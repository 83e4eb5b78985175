"""Reading the shop's database from Spark over JDBC: PostgreSQL, or SQLite under `make run`.

The few SQL spellings that differ between the two live in `Dialect`, so the jobs
write each query once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections


@dataclass(frozen=True)
class Dialect:
    name: str

    def money(self, column: str) -> str:
        """A decimal column, exactly. SQLite may hold decimals as REAL: read its text, which
        keeps the digits Django wrote; Spark casts it back to a decimal."""
        return column if self.name == "postgresql" else f"CAST({column} AS TEXT)"

    def cents(self, expression: str) -> str:
        """An amount as whole cents, for sums that must be exact on both databases."""
        if self.name == "postgresql":
            return f"CAST(ROUND({expression} * 100) AS BIGINT)"
        return f"CAST(ROUND({expression} * 100) AS INTEGER)"

    def day(self, column: str) -> str:
        """The UTC calendar day of a timestamp column, as 'YYYY-MM-DD' text."""
        if self.name == "postgresql":
            return f"TO_CHAR({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        return f"SUBSTR({column}, 1, 10)"

    def time(self, column: str) -> str:
        """A timestamp column as a copy reads it: from PostgreSQL its whole epoch seconds, cut toward
        zero as Spark's unix_timestamp cuts (the warehouse keeps seconds, and parsing timestamp text
        was a tenth of the executors' time in the sync, docs/benchmarks.md; an infinite time, which
        has no seconds, is missing), from SQLite its text. `ShopTable.shape` makes both a timestamp."""
        if self.name == "postgresql":
            return f"CASE WHEN isfinite({column}) THEN CAST(TRUNC(EXTRACT(EPOCH FROM {column})) AS BIGINT) END"
        return f"CAST({column} AS TEXT)"

    def timestamp(self, moment: datetime) -> str:
        """A literal for comparisons with the shop's timestamp columns (always UTC)."""
        text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if self.name == "postgresql":
            return f"TIMESTAMP WITH TIME ZONE '{text}+00'"
        return f"'{text}'"


def _database() -> dict:
    return connections["default"].settings_dict


def dialect() -> Dialect:
    engine = _database()["ENGINE"]
    if "postgresql" in engine:
        return Dialect("postgresql")
    if "sqlite" in engine:
        return Dialect("sqlite")
    raise RuntimeError(f"The Spark jobs read PostgreSQL or SQLite, not {engine}")


# Django's connection options that PostgreSQL's JDBC driver reads under the same names and meanings:
# a DATABASE_URL that asks for `?sslmode=verify-full` gets it from the Spark jobs too.
SHARED_CONNECTION_OPTIONS = ("sslmode", "sslrootcert")


def jdbc_options() -> dict[str, str]:
    database = _database()
    if dialect().name == "postgresql":
        url = f"jdbc:postgresql://{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        options = database.get("OPTIONS", {})
        return {
            "url": url,
            "user": database["USER"],
            "password": database["PASSWORD"],
            "driver": "org.postgresql.Driver",
            **{name: str(options[name]) for name in SHARED_CONNECTION_OPTIONS if options.get(name)},
        }
    return {"url": f"jdbc:sqlite:{database['NAME']}", "driver": "org.sqlite.JDBC"}


def read(spark, sql: str, *, split_on: str | None = None, partitions: int = 1, text_columns: tuple[str, ...] = ()):
    """A DataFrame of `sql`'s rows; with `split_on` (an integer column), read in parallel ranges.

    `text_columns` are read as strings: SQLite's driver guesses a computed column's
    type (a CAST to TEXT comes back as NUMERIC), so those are named explicitly.
    """
    reader = spark.read.format("jdbc").options(**jdbc_options()).option("dbtable", f"({sql}) src")
    reader = reader.option("fetchsize", "10000")
    if text_columns:
        reader = reader.option("customSchema", ", ".join(f"{column} STRING" for column in text_columns))
    if split_on and partitions > 1:
        low, high, rows = key_range(sql, split_on)
        partitions = min(partitions, -(-rows // ROWS_PER_PARTITION))
        if partitions > 1 and high > low:
            reader = (
                reader.option("partitionColumn", split_on)
                .option("lowerBound", str(low))
                .option("upperBound", str(high + 1))
                .option("numPartitions", str(partitions))
            )
    return reader.load()


# Below this many rows a read stays in one partition: each partition is a task with
# its own connection and Python worker, which costs more than it saves on small reads.
ROWS_PER_PARTITION = 50_000


def key_range(sql: str, column: str) -> tuple[int, int, int]:
    """The lowest and highest key and the number of rows `sql` returns."""
    with connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT MIN({column}), MAX({column}), COUNT(*) FROM ({sql}) src")
        low, high, rows = cursor.fetchone()
    return int(low or 0), int(high or 0), int(rows or 0)
