"""/metrics: who may scrape it, and the business metrics it carries."""

import os
import re

import pytest

from accounts.tests.factories import BuyerFactory
from cart.services import add_to_cart, user_cart
from orders.services import place_order
from shop.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)  # counters count on commit


def scrape(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value(text: str, name: str, **labels) -> float:
    """The sample `name{labels}` (labels in any order), or 0 when absent."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        series, _, sample = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if all(found.get(key) == str(wanted) for key, wanted in labels.items()):
            return float(sample)
    return 0.0


def test_loopback_may_scrape_and_the_request_metrics_are_there(client):
    client.get("/health/live")

    text = scrape(client)

    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "bazaar_app_info{" in text
    assert "bazaar_outbox_backlog" in text


def test_every_queue_a_worker_serves_reports_its_length(client, settings):
    """The analytics chain's own queue (ANALYTICS_QUEUE) too: a backlog there is runs waiting for Spark."""
    import uuid

    import redis

    queue = f"test-analytics-{uuid.uuid4().hex[:8]}"
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    settings.CELERY_TASK_ROUTES = {"analytics.tasks.*": {"queue": queue}}
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush(queue, "a", "b", "c")
    try:
        text = scrape(client)
    finally:
        broker.delete(queue)

    assert value(text, "bazaar_celery_queue_length", queue=queue) == 3
    assert 'bazaar_celery_queue_length{queue="celery"}' in text


@pytest.mark.parametrize(
    ("routes", "queues"),
    [
        ({}, ["celery"]),
        ({"analytics.tasks.*": {"queue": "analytics"}, "catalog.tasks.*": "search"}, ["celery", "analytics", "search"]),
        ({"orders.tasks.*": {"exchange": "mail"}, "shop.tasks.*": {"queue": "celery"}}, ["celery"]),
        (["config.routers.Router"], ["celery"]),
    ],
)
def test_the_queues_reported_are_the_default_and_every_routed_one(settings, routes, queues):
    from shop.metrics import celery_queues

    settings.CELERY_TASK_ROUTES = routes

    assert celery_queues() == queues


def test_other_networks_get_404_unless_they_bring_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    outside = {"REMOTE_ADDR": "203.0.113.9"}

    assert client.get("/metrics", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 404
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1", **outside).status_code == 404
    assert scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus", **outside)


def test_an_allowed_network_may_scrape_without_a_token(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]

    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics").status_code == 404  # loopback is no longer listed


def test_orders_revenue_cart_additions_and_checkout_failures_are_counted(client, product):
    before = scrape(client)
    buyer = BuyerFactory()
    add_to_cart(user_cart(buyer), product, 3)
    place_order(buyer)
    with pytest.raises(DomainError):
        place_order(buyer)  # the cart is empty now

    after = scrape(client)
    category = product.category.name

    assert (
        value(after, "bazaar_orders_placed_total", category=category)
        - value(before, "bazaar_orders_placed_total", category=category)
        == 1
    )
    assert value(after, "bazaar_revenue_total", category=category) - value(
        before, "bazaar_revenue_total", category=category
    ) == pytest.approx(float(product.price * 3))
    assert value(after, "bazaar_cart_additions_total") - value(before, "bazaar_cart_additions_total") == 3
    assert (
        value(after, "bazaar_checkout_failures_total", reason="empty_cart")
        - value(before, "bazaar_checkout_failures_total", reason="empty_cart")
        == 1
    )
    assert value(after, "bazaar_outbox_backlog") >= 2  # no Kafka here: the events wait


def test_a_failing_task_is_counted(client):
    from shop.tasks import relay_events

    before = value(scrape(client), "bazaar_celery_task_failures_total", task="shop.tasks.relay_events")
    relay_events.apply(kwargs={"unexpected": 1})  # the signature refuses it: the task fails

    after = value(scrape(client), "bazaar_celery_task_failures_total", task="shop.tasks.relay_events")
    assert after - before == 1


def test_risk_behind_a_proxy_on_the_same_host_every_client_may_scrape(client, settings):
    """A reverse proxy on the host connects from 127.0.0.1 for every client: the client is who it
    vouches for, and that is not loopback."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["127.0.0.1/32"]
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}

    assert client.get("/metrics", **proxied).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200  # Prometheus on the host itself


def test_risk_in_production_metrics_are_open_to_loopback_by_default():
    """With DEBUG off and METRICS_ALLOWED_NETWORKS unset, only METRICS_TOKEN opens /metrics."""
    import os
    import subprocess
    import sys

    from shop.testing import ROOT

    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "METRICS_ALLOWED_NETWORKS")}
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.DEBUG, settings.METRICS_ALLOWED_NETWORKS)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert shown.stdout.split() == ["False", "[]"], shown.stdout + shown.stderr
