"""Versioned warehouse schema: the SQL files in analytics/schema/, applied in order, each once."""

from pathlib import Path

from analytics.warehouse import warehouse

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (name String, applied_at DateTime)
ENGINE = MergeTree ORDER BY name
"""


def migration_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def applied() -> set[str]:
    store = warehouse()
    store.execute(LEDGER)
    return {row["name"] for row in store.query("SELECT name FROM schema_migrations")}


def migrate() -> list[str]:
    """Apply the files not applied yet; returns their names."""
    from datetime import UTC, datetime

    store = warehouse()
    done = applied()
    new = []
    for path in migration_files():
        if path.name in done:
            continue
        for statement in _statements(path.read_text()):
            store.execute(statement)
        store.insert("schema_migrations", [{"name": path.name, "applied_at": datetime.now(UTC).replace(tzinfo=None)}])
        new.append(path.name)
    return new


def _statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]
