"""Versioned warehouse schema: the SQL files in analytics/schema/, applied in order, each once.

The files describe one server's tables. With CLICKHOUSE_CLUSTER set, each table is
made on every node of that cluster as `<name>_local`, a Replicated*MergeTree (its
replicas coordinated by ZooKeeper under the shard's path), plus a Distributed table
`<name>` over them, sharded by a hash of the table's sorting key: every copy of a row
(every version a ReplacingMergeTree keeps until it merges) lands on the same shard,
so FINAL and the newest-version reads stay exact. Readers and writers keep naming
`<name>`; on one server it is the plain table.
"""

import re
from pathlib import Path

from django.conf import settings

from analytics.warehouse import warehouse

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (name String, applied_at DateTime)
ENGINE = MergeTree ORDER BY name
"""

CREATE = re.compile(
    r"CREATE TABLE IF NOT EXISTS (?P<name>\w+)\s*\((?P<columns>.*)\)\s*"
    r"ENGINE\s*=\s*(?P<engine>\w*MergeTree)(?:\((?P<arguments>[^)]*)\))?(?P<rest>.*)",
    re.S,
)


def migration_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def applied() -> set[str]:
    store = warehouse()
    for statement in _for_this_warehouse(LEDGER, store.database, replicated_everywhere=True):
        _everywhere(statement)
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
            for each in _for_this_warehouse(statement, store.database):
                _everywhere(each)
        store.insert("schema_migrations", [{"name": path.name, "applied_at": datetime.now(UTC).replace(tzinfo=None)}])
        new.append(path.name)
    return new


def _statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def _for_this_warehouse(statement: str, database: str, *, replicated_everywhere: bool = False) -> list[str]:
    """The statement as written on one server; on a cluster, its replicated and distributed pair."""
    cluster = settings.CLICKHOUSE_CLUSTER
    if not cluster:
        return [statement]
    return clustered(statement, cluster=cluster, database=database, replicated_everywhere=replicated_everywhere)


def clustered(statement: str, *, cluster: str, database: str, replicated_everywhere: bool = False) -> list[str]:
    """`CREATE TABLE t (...) ENGINE = XMergeTree(args) ...` as a Replicated table `t_local` on each
    node and a Distributed `t` over the cluster. `replicated_everywhere` keeps one full copy on
    every node instead of sharding (the small schema ledger, so any node can answer for it)."""
    match = CREATE.fullmatch(statement.strip())
    if match is None:
        return [statement]
    name, columns, engine = match["name"], match["columns"], match["engine"]
    arguments = (match["arguments"] or "").strip()
    shard = "all" if replicated_everywhere else "{shard}"
    path = f"'/clickhouse/tables/{shard}/{database}/{name}', '{{replica}}'"
    replicated = f"Replicated{engine}({path}{', ' + arguments if arguments else ''})"
    if replicated_everywhere:  # every node holds every row under the table's own name
        return [f"CREATE TABLE IF NOT EXISTS {name} ({columns}) ENGINE = {replicated}{match['rest']}"]
    local = f"CREATE TABLE IF NOT EXISTS {name}_local ({columns}) ENGINE = {replicated}{match['rest']}"
    distributed = (
        f"CREATE TABLE IF NOT EXISTS {name} AS {name}_local "
        f"ENGINE = Distributed({cluster}, {database}, {name}_local, {sharding_key(columns, match['rest'])})"
    )
    return [local, distributed]


def sharding_key(columns: str, rest: str) -> str:
    """A hash of the sorting key's columns (UUIDs as text: ClickHouse 18.16 does not hash UUIDs)."""
    order = re.search(r"ORDER BY\s+(\([^)]*\)|\w+)", rest)
    if order is None:
        raise ValueError("a sharded table needs an ORDER BY to shard on")
    names = [part.strip() for part in order[1].strip("()").split(",")]
    types = dict(re.findall(r"^\s*(\w+)\s+(\w+)", columns, re.M))
    hashed = [f"toString({column})" if types.get(column) == "UUID" else column for column in names]
    return f"cityHash64({', '.join(hashed)})"


def _everywhere(statement: str) -> None:
    """Run a DDL statement on this warehouse, or on every node of its cluster."""
    store = warehouse()
    if not settings.CLICKHOUSE_CLUSTER:
        store.execute(statement)
        return
    for node in cluster_nodes():
        node.execute(f"CREATE DATABASE IF NOT EXISTS {store.database}")
        node.execute(f"USE {store.database}")
        node.execute(statement)


def cluster_nodes() -> list:
    """A client for each node of CLICKHOUSE_CLUSTER, as the first answering node lists them."""
    from clickhouse_driver import Client

    from analytics.warehouse import connection_options

    store = warehouse()
    name = _identifier(settings.CLICKHOUSE_CLUSTER)
    rows = store.query(
        f"SELECT host_address, port FROM system.clusters WHERE cluster = '{name}' ORDER BY shard_num, replica_num"  # noqa: S608
    )
    if not rows:
        raise RuntimeError(f"ClickHouse has no cluster named {settings.CLICKHOUSE_CLUSTER!r} in its remote_servers")
    options = connection_options(store.url, database=False)
    options.pop("alt_hosts", None)
    options.pop("settings", None)
    return [
        Client(**{**options, "host": row["host_address"], "port": int(row["port"])}, connect_timeout=5) for row in rows
    ]


def _identifier(name: str) -> str:
    if not re.fullmatch(r"\w+", name):
        raise ValueError(f"not a cluster name: {name!r}")
    return name
