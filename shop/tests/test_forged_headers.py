"""Every request header that can carry an address or an identity is the client's to forge,
unless a proxy we configured vouches for it. One test per header: each sends it forged and
checks that nothing trusts it (throttles, the metrics endpoint, links in mails, HTTPS).
"""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"  # a client on the internet (TEST-NET-3)


def _logins(api, client, forged: dict) -> list[int]:
    """Ten bad logins over the API, the storefront and the back-office, each with its own forged
    header value, then one more: refused if the forged values did not buy fresh counts."""
    codes = []
    for n in range(10):
        headers = {name: value.format(n=n) for name, value in forged.items()}
        if n % 3 == 0:
            codes.append(
                api.post("/api/v1/auth/login", {"email": "x@example.com", "password": "no"}, **headers).status_code
            )
        else:
            path = "/accounts/login/" if n % 3 == 1 else "/admin/login/"
            codes.append(client.post(path, {"username": "x@example.com", "password": "no"}, **headers).status_code)
    last = {name: value.format(n=99) for name, value in forged.items()}
    codes.append(api.post("/api/v1/auth/login", {"email": "y@example.com", "password": "no"}, **last).status_code)
    return codes


def _metrics_from_outside(client, forged: dict) -> int:
    return client.get("/metrics", REMOTE_ADDR=OUTSIDE, **forged).status_code


def test_risk_forged_x_forwarded_for_buys_fresh_login_attempts_or_opens_metrics(api, client, settings):
    assert _logins(api, client, {"HTTP_X_FORWARDED_FOR": "198.51.100.{n}"})[-1] == 429
    assert _metrics_from_outside(client, {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}) == 404


def test_risk_forged_x_forwarded_for_behind_a_trusted_proxy(api, client, settings):
    """Behind one proxy, only the entry it appended counts: entries the client put before it do not."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["10.0.0.2/32"]
    forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.{n}, " + OUTSIDE}

    assert _logins(api, client, forged)[-1] == 429


def test_risk_a_client_past_the_load_balancer_forges_x_forwarded_for(api, client, settings):
    """The app trusts one proxy, but this client reaches it directly (a published port): its own
    X-Forwarded-For must not be read as the proxy's."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["10.0.0.2/32"]
    direct = {"REMOTE_ADDR": OUTSIDE, "HTTP_X_FORWARDED_FOR": "198.51.100.{n}"}

    assert _logins(api, client, direct)[-1] == 429


def test_a_proxy_count_without_the_proxies_networks_trusts_nobody_and_says_so(settings, rf):
    from shop.client_address import check_proxy_settings, client_address

    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, []
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=OUTSIDE)

    assert client_address(request) == "10.0.0.2"
    assert [message.id for message in check_proxy_settings()] == ["shop.W001"]
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    assert client_address(request) == OUTSIDE and check_proxy_settings() == []


def test_risk_forged_x_real_ip_buys_fresh_login_attempts_or_opens_metrics(api, client):
    assert _logins(api, client, {"HTTP_X_REAL_IP": "198.51.100.{n}"})[-1] == 429
    assert _metrics_from_outside(client, {"HTTP_X_REAL_IP": "127.0.0.1"}) == 404


def test_risk_forged_forwarded_header_buys_fresh_login_attempts_or_opens_metrics(api, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # even behind a proxy: ours append X-Forwarded-For, never Forwarded
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.2/32"]
    forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": OUTSIDE, "HTTP_FORWARDED": "for=198.51.100.{n}"}

    assert _logins(api, client, forged)[-1] == 429
    assert _metrics_from_outside(client, {"HTTP_FORWARDED": "for=127.0.0.1;proto=https"}) == 404


def test_risk_forged_host_poisons_the_links_we_mail(client, api, buyer):
    reset = client.post("/accounts/password/reset/", {"email": buyer.email}, HTTP_HOST="evil.example")
    signup = api.post(
        "/api/v1/auth/signup",
        {"email": "new@example.com", "password": "a-long-pass-phrase-9"},
        format="json",
        HTTP_HOST="evil.example",
    )

    assert reset.status_code == 400 and signup.status_code == 400
    assert mail.outbox == []


def test_risk_forged_x_forwarded_host_poisons_the_links_we_mail(client, api, buyer):
    client.post("/accounts/password/reset/", {"email": buyer.email}, HTTP_X_FORWARDED_HOST="evil.example")
    api.post(
        "/api/v1/auth/signup",
        {"email": "new@example.com", "password": "a-long-pass-phrase-9"},
        format="json",
        HTTP_X_FORWARDED_HOST="evil.example",
    )

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "evil.example" not in message.body and "http://testserver/" in message.body


def test_risk_forged_x_forwarded_proto_passes_plain_http_as_https(client, settings):
    """Without BEHIND_TLS_PROXY no proxy vouches for X-Forwarded-Proto: plain HTTP stays plain
    and is sent to HTTPS when SECURE_SSL_REDIRECT asks for it."""
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/products/", HTTP_X_FORWARDED_PROTO="https")

    assert settings.SECURE_PROXY_SSL_HEADER is None
    assert response.status_code == 301 and response["Location"].startswith("https://")
