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
