"""Mail leaves the process, configured the way a user configures it (not pytest-django's locmem).

The settings once named mail in `MAILERS`, which the pinned Django ignores: every mail then
went to an SMTP server on localhost:25 that was not there, `make run` printed no sign-up
link, and a deployment's mail settings did nothing. These tests start the site as a separate
process with the real settings and look where the mail should arrive.
"""

import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import requests

from shop.testing import ROOT, Mailpit, confirm_in_browser, free_port, gunicorn, server_environment

pytestmark = pytest.mark.django_db(transaction=True)


def _connection_in_a_fresh_process(**env) -> list[str]:
    """The mail connection Django builds from this environment, in a process of its own."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EMAIL_")}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.mail import get_connection; c = get_connection(); "
            "print(type(c).__module__, getattr(c, 'host', ''), getattr(c, 'port', ''), getattr(c, 'use_tls', ''), "
            "getattr(c, 'username', ''), getattr(c, 'timeout', ''))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split()


def test_email_url_is_the_smtp_server_django_uses():
    assert _connection_in_a_fresh_process(EMAIL_URL="smtp+tls://mailer:s3cret@smtp.example.com:587") == [
        "django.core.mail.backends.smtp", "smtp.example.com", "587", "True", "mailer", "10",
    ]  # fmt: skip


def test_without_email_url_mail_goes_to_the_console():
    assert _connection_in_a_fresh_process()[0] == "shop.mail_console"


@pytest.fixture
def mailpit() -> Mailpit:
    if not os.environ.get("MAILPIT_URL"):
        pytest.skip("MAILPIT_URL is not set (make test starts Mailpit with `scripts/stack up mail`)")
    return Mailpit(os.environ["MAILPIT_URL"])


def test_a_sign_up_mail_reaches_a_real_smtp_server_and_its_link_confirms_the_account(mailpit):
    email = f"newcomer-{uuid.uuid4().hex[:10]}@example.com"
    password = "a-long-secret-42"
    with gunicorn("config.wsgi", server_environment(EMAIL_URL=os.environ["EMAIL_URL"]), workers=1) as base:
        signed_up = requests.post(f"{base}/api/v1/auth/signup", json={"email": email, "password": password}, timeout=10)
        assert signed_up.status_code == 202, signed_up.text
        (message,) = mailpit.messages_to(email)
        assert message["Subject"] == "Confirm your Bazaar account"

        with requests.Session() as browser:
            confirm_in_browser(browser, message["Text"], password)
        login = requests.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password}, timeout=10)

    assert login.status_code == 200 and login.json()["access"]


def test_make_run_prints_the_sign_up_mail_with_its_link_on_the_console(tmp_path):
    """`make run` serves with DEBUG on, no mail settings and no broker: the link is in its terminal."""
    port = free_port()
    env = server_environment(DEBUG="true")
    env.pop("CELERY_BROKER_URL", None)
    with open(tmp_path / "terminal.txt", "wb") as terminal:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=terminal,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    requests.get(f"{base}/health/live", timeout=2)
                    break
                except requests.RequestException:
                    time.sleep(0.3)
            email, password = f"console-{uuid.uuid4().hex[:8]}@example.com", "a-long-secret-42"
            answer = requests.post(
                f"{base}/api/v1/auth/signup", json={"email": email, "password": password}, timeout=10
            )
            assert answer.status_code == 202, answer.text
            time.sleep(0.5)
            printed = (tmp_path / "terminal.txt").read_text()
            assert f"To: {email}" in printed, printed[-2000:]
            with requests.Session() as browser:
                landed = confirm_in_browser(browser, printed, password)
            assert landed == f"{base}/"
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert re.search(rf"{base}/accounts/signup/confirm/\S+/", printed)
