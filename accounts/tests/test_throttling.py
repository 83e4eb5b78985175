"""Finding: login throttling could be bypassed, and was missing where it matters most.

`/accounts/login/` and `/admin/login/` had no throttle; the API's keyed on an address a client
chose with `X-Forwarded-For`; storefront sign-up and password reset mailed any address without
limit. One policy (accounts/throttling.py) now counts every way to log in, sign up or ask for a
reset, per client address (as the trusted proxies vouch for it) and per account.
"""

import threading

import pytest
from django.core import mail
from django.test import Client

from accounts.tests.factories import PASSWORD, BuyerFactory
from accounts.throttling import attempt, parse_rate

pytestmark = pytest.mark.django_db
WRONG = "wrong-password"


def _rates(settings, action: str, address: str, account: str) -> None:
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, action: {"address": address, "account": account}}


def _page_login(client, path: str, email: str, password: str = WRONG, **extra) -> int:
    return client.post(path, {"username": email, "password": password}, **extra).status_code


def _api_login(api, email: str, password: str = WRONG, **extra) -> int:
    return api.post("/api/v1/auth/login", {"email": email, "password": password}, format="json", **extra).status_code


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_risk_page_logins_are_not_throttled(client, buyer, path):
    codes = [_page_login(client, path, buyer.email) for _ in range(11)]
    refused = client.post(path, {"username": buyer.email, "password": PASSWORD})

    assert codes == [200] * 10 + [429]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert b"Too many attempts" in refused.content


def test_risk_one_policy_counts_the_api_the_storefront_and_the_back_office_together(api, client, buyer):
    codes = [_api_login(api, buyer.email) for _ in range(4)]
    codes += [_page_login(client, "/accounts/login/", buyer.email) for _ in range(3)]
    codes += [_page_login(client, "/admin/login/", buyer.email) for _ in range(3)]

    assert codes == [401] * 4 + [200] * 6
    assert _api_login(api, buyer.email, PASSWORD) == 429
    assert _page_login(client, "/accounts/login/", "someone-else@example.com") == 429  # same address


def test_risk_storefront_sign_up_mails_any_address_without_limit(client, settings):
    _rates(settings, "signup", "100/hour", "3/hour")
    form = {"email": "victim@example.com", "password": "a-long-pass-phrase-9", "role": "buyer"}

    codes = [client.post("/accounts/signup/", form, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)]

    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_risk_storefront_sign_ups_from_one_address_are_unlimited(client, settings):
    _rates(settings, "signup", "3/hour", "100/hour")
    codes = [
        client.post(
            "/accounts/signup/", {"email": f"new{n}@example.com", "password": "a-long-pass-phrase-9", "role": "buyer"}
        ).status_code
        for n in range(4)
    ]

    assert codes == [302, 302, 302, 429]


def test_risk_password_reset_mails_an_address_without_limit(client, buyer):
    codes = [
        client.post("/accounts/password/reset/", {"email": buyer.email}, REMOTE_ADDR=f"10.0.1.{n}").status_code
        for n in range(7)
    ]

    assert codes == [302] * 5 + [429, 429]  # PASSWORD_RESET_ACCOUNT_THROTTLE_RATE: 5/hour
    assert len(mail.outbox) == 5


def test_risk_confirming_a_sign_up_guesses_passwords_without_limit(api, client, settings):
    _rates(settings, "login", "100/min", "3/hour")
    api.post("/api/v1/auth/signup", {"email": "c@example.com", "password": "a-long-pass-phrase-9"}, format="json")
    uid, token = mail.outbox[-1].body.split("/signup/confirm/")[1].split("/")[:2]

    api_codes = [
        api.post("/api/v1/auth/confirm", {"uid": uid, "token": token, "password": "guess"}, format="json").status_code
        for _ in range(2)
    ]
    page = client.post(f"/accounts/signup/confirm/{uid}/{token}/", {"password": "guess"}).status_code
    refused = client.post(f"/accounts/signup/confirm/{uid}/{token}/", {"password": "a-long-pass-phrase-9"})

    assert api_codes == [400, 400] and page == 200 and refused.status_code == 429


def test_risk_behind_a_proxy_one_attacker_locks_out_everyone(api, settings, buyer):
    """Behind one proxy every request comes from its address: the client's is the one it appends."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["10.9.0.0/16"]
    attacker = {"REMOTE_ADDR": "10.9.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    victim_of_noise = {"REMOTE_ADDR": "10.9.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}

    codes = [_api_login(api, f"guess{n}@example.com", **attacker) for n in range(11)]

    assert codes[-1] == 429
    assert _api_login(api, buyer.email, PASSWORD, **victim_of_noise) == 200


def test_an_account_attacked_from_many_addresses_fails_closed_for_that_account_only(api, client, settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["10.9.0.0/16"]
    _rates(settings, "login", "10/min", "5/hour")
    victim, bystander = BuyerFactory(), BuyerFactory()

    codes = [
        _api_login(api, victim.email, REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(6)
    ]

    assert codes == [401] * 5 + [429]
    assert _api_login(api, victim.email, PASSWORD, REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9") == 429
    assert _api_login(api, bystander.email, PASSWORD, REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1") == 200
    assert _page_login(Client(), "/accounts/login/", victim.email, PASSWORD) == 429  # pages count the same account


def test_a_refused_answer_says_when_to_come_back(api, buyer):
    for _ in range(10):
        _api_login(api, buyer.email)

    refused = api.post("/api/v1/auth/login", {"email": buyer.email, "password": "x"}, format="json")

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"] and refused.json()["code"] == "throttled"


def test_rates_read_as_people_write_them():
    assert parse_rate("10/min") == (10, 60)
    assert parse_rate("20/hour") == (20, 3600)
    assert parse_rate("5/days") == (5, 86400)
    assert parse_rate("3/s") == (3, 1)


@pytest.mark.postgres
def test_risk_parallel_attempts_slip_past_the_limit_in_redis(rf, settings):
    """Counting is the cache's atomic add and incr: 40 attempts at once, exactly 10 allowed."""
    import os
    import uuid

    import redis

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set (make test starts Redis and sets it)")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    _rates(settings, "login", "10/hour", "1000/hour")
    request = rf.post("/api/v1/auth/login", REMOTE_ADDR="192.0.2.44")
    start, verdicts = threading.Barrier(40), []

    def one_attempt():
        start.wait()
        verdicts.append(attempt(request, "login", ""))

    threads = [threading.Thread(target=one_attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(server.scan_iter(f"{prefix}:*"))
    for key in keys:
        server.delete(key)
    assert verdicts.count(0) == 10 and len(verdicts) == 40
    assert keys, "the counts were not kept in Redis"


def test_risk_an_ipv6_client_buys_a_fresh_login_bucket_with_each_address_of_its_64(api, buyer):
    """A /64 is what one IPv6 subscriber gets: 2^64 addresses, each a fresh count if counted alone."""
    codes = [_api_login(api, f"guess{n}@example.com", REMOTE_ADDR=f"2001:db8:1:2::{n:x}") for n in range(11)]
    neighbour = _api_login(api, buyer.email, PASSWORD, REMOTE_ADDR="2001:db8:1:3::1")  # another /64

    assert codes[-1] == 429
    assert neighbour == 200


def test_ipv4_clients_are_counted_by_address_and_mapped_ones_as_ipv4():
    from accounts.throttling import address_bucket

    assert address_bucket("203.0.113.9") == "203.0.113.9"
    assert address_bucket("::ffff:203.0.113.9") == "203.0.113.9"
    assert address_bucket("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"


def test_risk_the_back_office_password_change_guesses_the_old_password_without_limit(client, staff):
    """A stolen staff session guesses the password it lacks through /admin/password_change/."""
    client.force_login(staff)
    form = {"old_password": WRONG, "new_password1": "a-long-pass-phrase-9", "new_password2": "a-long-pass-phrase-9"}

    codes = [client.post("/admin/password_change/", form).status_code for _ in range(11)]

    assert codes == [200] * 10 + [429]


def test_risk_throttle_keys_name_the_account_by_a_hash_anyone_can_compute(api):
    """Whoever reads the cache (Redis) could hash a list of addresses and see who is being attacked."""
    import hashlib

    from django.core.cache import cache

    _api_login(api, "target@example.com", REMOTE_ADDR="203.0.113.9")

    keys = " ".join(str(key) for key in cache._cache)  # the tests' local-memory cache
    assert "throttle_login_account_" in keys
    for clear in ("target@example.com", "203.0.113.9"):
        assert clear not in keys and hashlib.sha256(clear.encode()).hexdigest()[:32] not in keys
