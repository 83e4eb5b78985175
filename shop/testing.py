"""Serving the site with a real gunicorn, for integration tests and benchmarks."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


# The settings of the external services; a test or benchmark server drops those it does not need.
SERVICE_SETTINGS = (
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "S3_ENDPOINT_URL",
    "SEARCH_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "CLICKHOUSE_URL",
    "EMAIL_URL",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/health/ready", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds:.0f}s")


@contextlib.contextmanager
def gunicorn(
    wsgi: str,
    env: dict,
    *,
    workers: int,
    threads: int = 1,
    port: int | None = None,
    errors: list | None = None,
    config: str | None = None,
    check_contract: bool | None = None,
) -> Iterator[str]:
    """Serve `wsgi` on loopback until the block ends; yields the base URL.

    When `errors` is given, what the server wrote to stderr is appended to it on exit. It goes
    to a file meanwhile, not a pipe: a pipe nobody reads fills up (64 KiB of tracebacks in an
    outage), and then every thread that logs blocks, and its request hangs.

    Under pytest (or with `check_contract`), the server checks each API answer against the
    OpenAPI schema (shop.api.contract) and the block fails on exit if one did not match.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "gunicorn", wsgi, "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    if config:
        command += ["-c", config]
    if check_contract is None:
        check_contract = "PYTEST_CURRENT_TEST" in os.environ
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile() as stderr:
        report = Path(scratch) / "contract.txt"
        if check_contract:
            from shop.api.contract import schema_file

            env = {**env, "API_CONTRACT": str(report), "API_CONTRACT_SCHEMA": schema_file()}
        server = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [*command, "--threads", str(threads)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr if errors is not None else subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(base)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)
            if errors is not None:
                stderr.seek(0)
                errors.append(stderr.read().decode(errors="replace"))
        if report.exists() and report.read_text().strip():
            raise AssertionError("Answers of the server broke the OpenAPI schema:\n" + report.read_text())


class Process:
    """A `manage.py` command running in the background (a relay, a consumer), its output in a file."""

    def __init__(self, env: dict, *arguments: str):
        self.arguments = arguments
        self.output = tempfile.NamedTemporaryFile(prefix="bazaar-", suffix=".log")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, str(ROOT / "manage.py"), *arguments],
            env={**env, "PYTHONUNBUFFERED": "1"},  # its lines reach the file before a kill
            cwd=ROOT,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process dies mid-work, as on a crash."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> str:
        """Stop it (if still running) and return what it wrote (again on later calls)."""
        if self.output.closed:
            return self.text
        if self.alive:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.output.seek(0)
        self.text = self.output.read().decode(errors="replace")
        self.output.close()
        return self.text


def database_url_of_tests() -> str:
    """The test database as a DATABASE_URL, for a server the test starts (PostgreSQL only:
    an SQLite test database lives in the test's memory)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("a server started by a test shares the test database only on PostgreSQL")
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def stack(*arguments: str) -> None:
    """Run scripts/stack (drills stop and start the project's own services with it)."""
    subprocess.run(  # noqa: S603 (our own script and arguments)
        [str(ROOT / "scripts" / "stack"), *arguments], check=True, capture_output=True, timeout=180
    )


def cluster(*arguments: str, env: dict | None = None, timeout: float = 600) -> None:
    """Run `scripts/stack cluster ...`: the cluster drills stop and start only the cluster's own nodes."""
    done = subprocess.run(  # noqa: S603 (our own script and arguments)
        [str(ROOT / "scripts" / "stack"), "cluster", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if done.returncode:
        raise RuntimeError(f"scripts/stack cluster {' '.join(arguments)} failed:\n{done.stderr[-3000:]}")


def haproxy_defaults(text: str) -> list[str]:
    """The settings of an HAProxy config's `defaults` section, comments left out."""
    lines = text.splitlines()
    start = lines.index("defaults")
    end = next(number for number in range(start + 1, len(lines)) if lines[number] and not lines[number][0].isspace())
    return [line.strip() for line in lines[start + 1 : end] if line.strip() and not line.strip().startswith("#")]


def cluster_settings() -> dict[str, str]:
    """The settings `scripts/stack cluster up` wrote to .env.cluster (empty when it has not run)."""
    path = ROOT / ".env.cluster"
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def port_answers(port: int) -> bool:
    """Something accepts connections on this loopback port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def server_environment(**overrides: str) -> dict:
    """The environment for a server a test starts: the test database, the real settings,
    and none of the external services unless `overrides` name them."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_SETTINGS}
    env.update(DATABASE_URL=database_url_of_tests(), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(overrides)
    return env


def generate_orders(connection, lines: int) -> None:
    """Orders of four lines each over the last year, a quarter of them still placed, straight into
    PostgreSQL (benchmarks and drills need more than factories make in good time). Needs buyers
    and products; `connection` is a psycopg or Django connection to the shop's database."""
    orders = lines // 4
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bulk_buyers; DROP TABLE IF EXISTS bulk_products")
        cursor.execute(
            "CREATE TEMP TABLE bulk_buyers AS "
            "SELECT (row_number() OVER (ORDER BY id)) - 1 AS k, id FROM accounts_user WHERE role = 'buyer'"
        )
        cursor.execute(
            "CREATE TEMP TABLE bulk_products AS SELECT (row_number() OVER (ORDER BY id)) - 1 AS k, id, seller_id, "
            "title, price FROM catalog_product"
        )
        cursor.execute(
            "SELECT (SELECT count(*) FROM bulk_buyers), (SELECT count(*) FROM bulk_products), "
            "(SELECT COALESCE(max(id), 0) FROM orders_order), (SELECT COALESCE(max(id), 0) FROM orders_orderline)"
        )
        buyers, products, first_order, first_line = cursor.fetchone()
        cursor.execute(
            "INSERT INTO orders_order (id, status, total, currency, shipping_name, shipping_address, created_at, "
            "updated_at, buyer_id) SELECT %s + n, (ARRAY['placed','paid','shipped','delivered'])[1 + n %% 4], 0, "
            "'USD', 'Bench', '1 Bench Street', now() - (n %% 365) * interval '1 day' - (n %% 1440) * interval "
            "'1 minute', now() - interval '1 hour', b.id FROM generate_series(1, %s) AS n "
            "JOIN bulk_buyers b ON b.k = n %% %s",
            [first_order, orders, buyers],
        )
        cursor.execute(
            "INSERT INTO orders_orderline "
            "(id, title, unit_price, quantity, line_total, order_id, product_id, seller_id) "
            "SELECT %s + n, p.title, p.price, 1 + n %% 3, p.price * (1 + n %% 3), %s + 1 + (n - 1) / 4, p.id, "
            "p.seller_id FROM generate_series(1, %s) AS n JOIN bulk_products p ON p.k = n %% %s",
            [first_line, first_order, orders * 4, products],
        )
        cursor.execute(
            "UPDATE orders_order o SET total = s.total FROM (SELECT order_id, sum(line_total) AS total "
            "FROM orders_orderline WHERE order_id > %s GROUP BY order_id) s WHERE s.order_id = o.id",
            [first_order],
        )
        for table in ("orders_order", "orders_orderline"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        cursor.execute("ANALYZE orders_order; ANALYZE orders_orderline")
    connection.commit()


class Mailpit:
    """The mails a real Mailpit caught, read through its JSON API (`scripts/stack up mail` starts one)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def messages_to(self, address: str, *, at_least: int = 1, seconds: float = 30) -> list[dict]:
        """The messages to `address`, oldest first, once there are `at_least` of them (each with its `Text`)."""
        deadline = time.monotonic() + seconds
        while True:
            search = requests.get(f"{self.base}/api/v1/search", params={"query": f'to:"{address}"'}, timeout=5)
            found = search.json()["messages"]
            if len(found) >= at_least or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        if len(found) < at_least:
            raise AssertionError(
                f"{len(found)} mail(s) to {address} in Mailpit after {seconds:.0f}s, wanted {at_least}"
            )
        found.sort(key=lambda message: message["Created"])
        return [requests.get(f"{self.base}/api/v1/message/{m['ID']}", timeout=5).json() for m in found]


LINK = re.compile(r"https?://\S+/accounts/signup/confirm/\S+/")


def confirm_in_browser(session: requests.Session, text: str, password: str, *, base: str | None = None) -> str:
    """What a person does with the sign-up mail: open its link and confirm with the password.
    Returns the address the site redirected to. `base` replaces the link's scheme and host
    (when the test reaches the server by another address than the one the mail names)."""
    link = LINK.search(text).group(0)
    if base:
        link = base.rstrip("/") + "/" + link.split("/", 3)[3]
    page = session.get(link, timeout=10)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        link, data={"csrfmiddlewaretoken": token, "password": password}, headers={"Referer": link}, timeout=10
    )
    answer.raise_for_status()
    return answer.url


def count_calls(action) -> int:
    """How many Python functions (and C functions called from Python) `action()` calls.

    A measure of a request's work that does not depend on how busy the machine is: the same code
    path makes the same calls on an idle laptop and on a loaded CI runner, so a test can bound it
    where a timing would flake.
    """
    import sys

    calls = 0

    def tally(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(tally)
    try:
        action()
    finally:
        sys.setprofile(previous)
    return calls
