"""The analytics warehouse: ClickHouse, behind one setting.

CLICKHOUSE_URL (`clickhouse://host:9000/database`) names a server, spoken to with
clickhouse-driver over the native protocol. Empty: chdb, the ClickHouse engine
embedded in this process, keeps its data under CHDB_PATH, so `make run` has a
real warehouse on a bare machine. The SQL we write must run on both, including
the old ClickHouse 18.16 that Debian ships (no window functions, no DateTime64).

A replicated, sharded cluster: CLICKHOUSE_CLUSTER names it (a `remote_servers`
entry), and CLICKHOUSE_URL lists its other nodes in `?alt_hosts=host:port,...`, which
the driver tries when the first does not answer. analytics.schema then makes each
table a Replicated*MergeTree on every node with a Distributed table of the same
name over them, so reads and writes here name the same tables either way.

Each process has one connection (or one embedded session); a lock lets one thread
use it at a time, since storefront pages read the warehouse from threaded servers.
"""

import json
import threading
from datetime import datetime
from functools import cache
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils.translation import gettext

# On a cluster: an insert returns once every shard has its rows (the next read sees them);
# a subquery over a distributed table runs once and goes to every shard (GLOBAL IN/JOIN);
# reads and writes prefer each shard's first replica while it answers, so a check that
# follows a write reads the replica that took it.
CLUSTER_SETTINGS = {
    "insert_distributed_sync": 1,
    "distributed_product_mode": "global",
    "load_balancing": "in_order",
}


def connection_options(url: str, *, database: bool = True) -> dict:
    """clickhouse-driver's Client arguments for CLICKHOUSE_URL, with its failover hosts."""
    parts = urlsplit(url)
    options = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 9000,
        "user": parts.username or "default",
        "password": parts.password or "",
    }
    alt_hosts = parse_qs(parts.query).get("alt_hosts")
    if alt_hosts:
        options["alt_hosts"] = alt_hosts[0]
    if database:
        options["database"] = database_of(url)
    if settings.CLICKHOUSE_CLUSTER:
        options["settings"] = dict(CLUSTER_SETTINGS)
    return options


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "default"


class ServerWarehouse:
    def __init__(self, url: str):
        from clickhouse_driver import Client

        self.url = url
        self.database = database_of(url)
        self._server = Client(**connection_options(url, database=False), connect_timeout=5, send_receive_timeout=60)
        self._server.execute(f"CREATE DATABASE IF NOT EXISTS {self.database}")
        self._client = Client(**connection_options(url), connect_timeout=5, send_receive_timeout=60)
        self._lock = threading.Lock()

    def execute(self, sql: str) -> None:
        with self._lock:
            self._client.execute(sql)

    def query(self, sql: str) -> list[dict]:
        with self._lock:
            rows, columns = self._client.execute(sql, with_column_types=True)
        names = [name for name, _ in columns]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def insert(self, table: str, rows: list[dict]) -> None:
        if rows:
            columns = list(rows[0])
            with self._lock:
                self._client.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES", [[row[c] for c in columns] for row in rows]
                )


@cache
def _embedded_session(path: str):
    """chdb runs one embedded server per process, on one path."""
    from chdb import session

    try:
        return session.Session(path)
    except RuntimeError as error:
        raise WarehouseBusy(
            gettext(
                "The embedded warehouse in %(path)s is open in another process (the web server?). Stop that "
                "process, start the run from the admin (Pipeline runs → Run the sync chain now), or set "
                "CLICKHOUSE_URL to a ClickHouse server. (%(error)s)"
            )
            % {"path": path, "error": error}
        ) from error


_session_lock = threading.Lock()


class WarehouseBusy(RuntimeError):
    """chdb keeps one process per data folder."""


class EmbeddedWarehouse:
    def __init__(self, path: str, database: str):
        self.database = database
        self._session = _embedded_session(path)
        self._session.query(f"CREATE DATABASE IF NOT EXISTS {self.database}")

    def _run(self, sql: str, output: str = "CSV"):
        with _session_lock:  # one embedded session per process, whatever the database
            self._session.query(f"USE {self.database}")
            return self._session.query(sql, output)

    def execute(self, sql: str) -> None:
        self._run(sql)

    def query(self, sql: str) -> list[dict]:
        answer = self._run(sql, "JSON")
        text = answer.bytes().decode() if hasattr(answer, "bytes") else str(answer)
        return json.loads(text)["data"] if text.strip() else []

    def insert(self, table: str, rows: list[dict]) -> None:
        if rows:
            lines = "\n".join(json.dumps(row, default=_json_value) for row in rows)
            self._run(f"INSERT INTO {table} FORMAT JSONEachRow\n{lines}")


def _json_value(value) -> str:
    """Dates as ClickHouse's text format reads them on every version."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@cache
def _warehouse_for(url: str, path: str, database: str, cluster: str):
    return ServerWarehouse(url) if url else EmbeddedWarehouse(path, database)


def warehouse():
    """The configured warehouse (one per process and setting)."""
    return _warehouse_for(
        settings.CLICKHOUSE_URL, str(settings.CHDB_PATH), settings.CHDB_DATABASE, settings.CLICKHOUSE_CLUSTER
    )


def with_database(url: str, database: str) -> str:
    """CLICKHOUSE_URL naming another database on the same server, with the same options."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()
