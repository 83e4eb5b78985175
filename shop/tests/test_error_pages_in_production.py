"""Finding: an unknown Host header answered 500 in production (DEBUG=false, gunicorn).

Django refuses the host (DisallowedHost) before the authentication middleware has run, and the
400 page then failed because the page layout reads `request.user`. Every scanner on the internet
sends such requests, so each raised the 5xx alert and a traceback. These tests run the real
configuration (gunicorn, DEBUG=false, the real settings) and send what scanners send.
"""

import pytest
import requests

from shop.testing import gunicorn, server_environment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(scope="module")
def production_errors():
    return []


@pytest.fixture(scope="module")
def production(production_errors, django_db_setup, django_db_blocker):
    """One gunicorn for the module, as deployed: DEBUG=false, the real settings, the test database."""
    with django_db_blocker.unblock():
        env = server_environment(DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost")
    with gunicorn("config.wsgi", env, workers=1, threads=2, errors=production_errors) as base:
        yield base


def _get(base: str, path: str = "/", **headers) -> requests.Response:
    return requests.get(f"{base}{path}", headers=headers, timeout=10, allow_redirects=False)


@pytest.mark.parametrize("path", ["/", "/products/", "/admin/login/", "/api/v1/products", "/accounts/login/"])
def test_risk_unknown_host_answers_500_in_production(production, production_errors, path):
    response = _get(production, path, Host="scanner.invalid")

    assert response.status_code == 400, response.text[:500]
    if path.startswith("/api/"):
        assert response.json()["detail"]
    else:
        assert "That request did not make sense" in response.text


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=" + "x" * 4000,
        "sessionid=../../etc/passwd; csrftoken=\x7f\x7f",
        'csrftoken="unterminated; sessionid=;;;; =novalue',
        "sessionid=" + "é".encode().decode("latin-1") * 40,
    ],
    ids=["oversized-session", "path-and-control-characters", "broken-quoting", "non-ascii"],
)
def test_risk_malformed_cookies_answer_500_in_production(production, cookie):
    for path in ("/", "/cart/", "/api/v1/cart", "/admin/"):
        response = _get(production, path, Cookie=cookie)
        assert response.status_code < 500, (path, response.status_code, response.text[:300])


def test_risk_an_oversized_header_answers_500_in_production(production):
    response = _get(production, "/", **{"X-Padding": "a" * 16_000})

    assert 400 <= response.status_code < 500


def test_risk_an_unknown_host_leaves_a_traceback_in_the_log(production_errors, django_db_setup, django_db_blocker):
    """Every scanner's request would otherwise write a traceback: the server's own log stays clean."""
    with django_db_blocker.unblock():
        env = server_environment(DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost")
    written: list[str] = []
    with gunicorn("config.wsgi", env, workers=1, errors=written) as base:
        codes = [_get(base, path, Host="scanner.invalid").status_code for path in ("/", "/no-such-page/", "/api/v1/me")]

    assert codes == [400, 400, 400]
    assert written and "Starting gunicorn" in written[0]
    assert "Traceback" not in written[0], written[0][-3000:]
