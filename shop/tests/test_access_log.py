"""The web server's access log: what a person who reads it (an operator, a log pipeline) learns."""

import os

import pytest
import requests

from shop.access_log import redact
from shop.testing import SERVICE_SETTINGS, database_url_of_tests, gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

RESET_TOKEN = "cz7k1q-0f3d5a9b8c7e6d5f4a3b2c1d0e9f8a7b"
SIGN_UP_TOKEN = "d2m0x4-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
QUERY_TOKEN = "q-secret-4f3a2b1c0d9e8f7a"


def test_risk_mailed_tokens_land_in_the_access_log(tmp_path):
    """gunicorn with the image's config: the reset and sign-up links we mail, and a token in a
    query string, are logged without their secrets; Authorization and cookies never are."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_SETTINGS}
    log = tmp_path / "access.log"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url_of_tests(),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        GUNICORN_CMD_ARGS=f"--access-logfile {log} --access-logformat '%(r)s %(s)s %(f)s %({{authorization}}i)s'",
    )
    with gunicorn("config.wsgi", env, workers=1, config="docker/gunicorn.conf.py") as base:
        requests.get(f"{base}/accounts/reset/MQ/{RESET_TOKEN}/", timeout=30)
        requests.get(
            f"{base}/accounts/signup/confirm/Mg/{SIGN_UP_TOKEN}/?next=/cart/",
            headers={"Referer": f"{base}/accounts/reset/MQ/{RESET_TOKEN}/"},
            timeout=30,
        )
        requests.get(
            f"{base}/api/v1/me?token={QUERY_TOKEN}", headers={"Authorization": f"Bearer {QUERY_TOKEN}"}, timeout=30
        )

    written = log.read_text()
    assert written.count("GET /accounts/") == 2 and "GET /api/v1/me" in written, written
    for secret in (RESET_TOKEN, SIGN_UP_TOKEN, QUERY_TOKEN):
        assert secret not in written, written
    assert "/accounts/reset/MQ/[redacted]/" in written
    assert "/accounts/signup/confirm/Mg/[redacted]/?next=/cart/" in written


def test_redaction_keeps_what_is_not_a_secret():
    assert redact("/accounts/reset/MQ/set-password/") == "/accounts/reset/MQ/set-password/"
    assert redact("/accounts/reset/done/") == "/accounts/reset/done/"
    assert redact("q=keyboard&page=2") == "q=keyboard&page=2"
    assert redact("token=abc&page=2") == "token=[redacted]&page=2"


def test_risk_mailed_tokens_land_in_haproxys_log(tmp_path):
    """The load balancer's log, in the format docker/haproxy/haproxy.cfg (and `make cluster`) use."""
    import http.server
    import shutil
    import subprocess
    import threading
    import time

    from shop.testing import ROOT, free_port

    binary = shutil.which("haproxy")
    if binary is None:
        pytest.fail("haproxy is missing: `scripts/stack tools` installs it (make test runs it)")
    log_format = next(
        line for line in (ROOT / "docker" / "haproxy" / "haproxy.cfg").read_text().splitlines() if "log-format" in line
    )
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        "global\n    log stdout format raw local0\n"
        f"defaults\n    mode http\n    log global\n{log_format}\n"
        "    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n"
        f"frontend shop\n    bind 127.0.0.1:{port}\n    default_backend web\n"
        f"backend web\n    server web1 127.0.0.1:{backend.server_address[1]}\n"
    )
    output = tmp_path / "haproxy.log"
    with output.open("w") as sink:
        server = subprocess.Popen([binary, "-db", "-f", str(config)], stdout=sink, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(50):
                try:
                    requests.get(f"{base}/health/live", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            requests.get(f"{base}/accounts/reset/MQ/{RESET_TOKEN}/", timeout=10)
            requests.get(f"{base}/accounts/signup/confirm/Mg/{SIGN_UP_TOKEN}/?next=/cart/", timeout=10)
            requests.get(f"{base}/api/v1/me?page=2&Token={QUERY_TOKEN}", timeout=10)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=10)
            backend.shutdown()

    written = output.read_text()
    assert "GET /accounts/reset/MQ/[redacted]/" in written, written
    assert "GET /accounts/signup/confirm/Mg/[redacted]/?next=/cart/" in written, written
    assert "GET /api/v1/me?page=2&Token=[redacted]" in written, written
    for secret in (RESET_TOKEN, SIGN_UP_TOKEN, QUERY_TOKEN):
        assert secret not in written, written


def test_risk_gunicorn_believes_a_forwarded_scheme_from_peers_the_app_does_not_trust(tmp_path):
    """gunicorn's forwarded_allow_ips follows TRUSTED_PROXY_NETWORKS: a client on loopback that is
    no proxy of ours cannot make the app build https links (or believe it is behind TLS)."""
    from catalog.tests.factories import ProductFactory

    ProductFactory.create_batch(2)
    env = {key: value for key, value in os.environ.items() if key not in (*SERVICE_SETTINGS, "FORWARDED_ALLOW_IPS")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url_of_tests(),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        TRUSTED_PROXY_NETWORKS="10.9.0.0/16",
    )
    with gunicorn("config.wsgi", env, workers=1, config="docker/gunicorn.conf.py") as base:
        page = requests.get(f"{base}/api/v1/products?page_size=1", headers={"X-Forwarded-Proto": "https"}, timeout=30)

    assert page.status_code == 200, page.text
    assert page.json()["next"].startswith("http://"), page.json()["next"]
