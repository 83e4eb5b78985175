"""The compose rehearsal: `docker compose up` as a user runs it, without a Docker engine.

From a checkout: the README's deploy steps word for word (`cp .env.example .env`, the secrets),
`docker-compose config`, then the app's services (migrate, web, both workers, beat, relay, consumer)
as local processes with the command and environment compose renders for each, their service
names resolving to real servers (shop/tests/rehearsal.py says how). Through those names:
Prometheus scrapes every target with the compose prometheus.yml, a sign-up mail lands in
Mailpit and its link confirms the account, an order's mail goes out through the worker, and an
uploaded image lands in the bucket compose names. The seed's own `.env` starts the same way.

What it guards: `cp .env.example .env && docker compose up` once left Prometheus's scrape of
`web:8000/metrics` refused (ALLOWED_HOSTS without `web`, metrics for loopback only), and the
seed's `.env` did not start at all and put images in another bucket.
"""

import io
import re
import secrets
import shutil
import uuid

import boto3
import pytest
import requests
from PIL import Image

from shop.testing import Mailpit, confirm_in_browser
from shop.tests import compose
from shop.tests.rehearsal import APP_SERVICES, Rehearsal

pytestmark = pytest.mark.skipif(shutil.which("ip") is None, reason="needs iproute2 (ip netns)")

SEED_ENV = compose.ROOT / "shop" / "tests" / "fixtures" / "seed.env"


def _project(tmp_path, env_source: str):
    project = compose.checkout(tmp_path / "project")
    steps = compose.readme_deploy_steps()
    if env_source == "seed":
        # The seed README's .env instead of `cp .env.example .env`, then the README's secret step. Its
        # SECRET_KEY, "your-secret-key", is public and short: production settings refuse it and say
        # to set a long random one, which is what a user then does.
        shutil.copy(SEED_ENV, project / ".env")
        steps = [line for line in steps if not line.startswith("cp .env.example")]
        (project / ".env").write_text(
            (project / ".env").read_text().replace("SECRET_KEY=your-secret-key", "SECRET_KEY=")
        )
    compose.run_steps(project, steps)
    return project, compose.read_env_file(project / ".env")


SCRAPED = ("web", "worker", "analytics-worker", "relay", "consumer")


def _wait_for_targets(prometheus: str, expected: set[str], seconds: float = 90) -> dict:
    import time

    deadline, health = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        targets = requests.get(f"{prometheus}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
        health = {target["labels"]["job"]: (target["health"], target.get("lastError", "")) for target in targets}
        if set(health) >= expected and all(state == "up" for state, _ in health.values()):
            return health
        time.sleep(1)
    return health


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("env_source", ["env.example", "seed"])
def test_compose_rehearsal(tmp_path, env_source):
    project, dotenv = _project(tmp_path, env_source)
    rendered = compose.rendered(project)
    image = compose.checkout(tmp_path / "image")  # the image's /app: the files, no .env
    expected_bucket = "product-images"

    with Rehearsal(rendered, tmp_path / "run") as rehearsal:
        rehearsal.start_backing_services()
        rehearsal.build_image(image)

        migrate = rehearsal.run_app("migrate", image, wait=True)
        assert migrate.returncode == 0, rehearsal.log("migrate")[-4000:]
        for service in APP_SERVICES[1:]:
            rehearsal.run_app(service, image)
        for service, port in (
            ("web", 8000), ("worker", 9808), ("relay", 9810), ("consumer", 9811), ("analytics-worker", 9809)
        ):  # fmt: skip
            # the analytics worker makes Spark's class archive first (a training run of half a minute)
            rehearsal.wait_for(service, port, seconds=300 if service == "analytics-worker" else 120)
        image_archive = image / ".stack" / "java" / "spark" / "driver.jsa"
        assert image_archive.is_file(), rehearsal.log("analytics-worker")[-4000:]
        rehearsal.start_prometheus()

        with rehearsal.portal("prometheus", 9090) as prometheus:
            health = _wait_for_targets(prometheus, set(SCRAPED))
        assert health == {job: ("up", "") for job in SCRAPED}, health

        with rehearsal.portal("web", 8000) as site, rehearsal.portal("mail", 8025) as inbox:
            mailpit = Mailpit(inbox)
            email, password = f"rehearsal-{uuid.uuid4().hex[:8]}@example.com", "a-long-secret-42"
            answer = requests.post(
                f"{site}/api/v1/auth/signup", json={"email": email, "password": password}, timeout=15
            )
            assert answer.status_code == 202, answer.text
            try:
                (mail,) = mailpit.messages_to(email, seconds=60)  # sent by the worker, through SMTP to `mail`
            except AssertionError as error:
                probe = rehearsal.run_in(
                    ["python", "manage.py", "shell", "-c", "from django.conf import settings as s; "
                     "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT); from django.core.mail import send_mail; "
                     "print(send_mail('probe', 'probe', None, ['probe@example.com']))"],
                    env=rehearsal.app_environment("worker"), cwd=image, capture_output=True, text=True,
                )  # fmt: skip
                raise AssertionError(
                    f"{error}\nprobe: {probe.stdout[-800:]} {probe.stderr[-800:]}\n"
                    f"{rehearsal.diagnosis('worker', 'mail', 'forwarder')}"
                ) from None
            with requests.Session() as browser:
                confirm_in_browser(browser, mail["Text"], password)
            buyer = requests.post(f"{site}/api/v1/auth/login", json={"email": email, "password": password}, timeout=15)
            assert buyer.status_code == 200, buyer.text

            # The README's first login for a demo shop: seed_demo in the web service's container, which
            # (DEBUG off) creates accounts only when asked, with the password it is given.
            demo_password = secrets.token_urlsafe(18)
            seeded = rehearsal.run_in(
                ["python", "manage.py", "seed_demo", "--demo-accounts", "--products", "4", "--orders", "0",
                 "--reviews", "0", "-v0"],
                env={**rehearsal.app_environment("web"), "DEMO_PASSWORD": demo_password}, cwd=image,
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert seeded.returncode == 0, seeded.stdout[-2000:] + seeded.stderr[-2000:]
            seller = requests.post(
                f"{site}/api/v1/auth/login", json={"email": "north@example.com", "password": demo_password},
                timeout=15,
            ).json()["access"]  # fmt: skip
            seller_id = requests.get(f"{site}/api/v1/me", headers={"Authorization": f"Bearer {seller}"}, timeout=15)
            product = requests.get(
                f"{site}/api/v1/products", params={"seller": seller_id.json()["id"]}, timeout=15
            ).json()["results"][0]
            upload = requests.post(
                f"{site}/api/v1/products/{product['id']}/image",
                headers={"Authorization": f"Bearer {seller}"},
                files={"file": ("photo.png", _png(), "image/png")},
                timeout=30,
            )
            assert upload.status_code == 201, upload.text

            token = {"Authorization": f"Bearer {buyer.json()['access']}"}
            added = requests.post(
                f"{site}/api/v1/cart", json={"product": product["id"], "quantity": 1}, headers=token, timeout=15
            )
            assert added.status_code == 201, added.text
            order = requests.post(f"{site}/api/v1/purchases", headers=token, timeout=15)
            assert order.status_code == 201, order.text
            (confirmation,) = [
                message for message in mailpit.messages_to(email, at_least=2, seconds=60)
                if message["Subject"].startswith("Your ")
            ]  # fmt: skip
            assert f"#{order.json()['id']}" in confirmation["Subject"]

        with rehearsal.portal("minio", 9000) as s3:
            bucket = boto3.client(
                "s3", endpoint_url=s3, aws_access_key_id=dotenv["MINIO_ROOT_USER"],
                aws_secret_access_key=dotenv["MINIO_ROOT_PASSWORD"], region_name="us-east-1",
                config=__import__("shop.object_storage", fromlist=["CLIENT_CONFIG"]).CLIENT_CONFIG,
            )  # fmt: skip
            keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=expected_bucket).get("Contents", [])]
        assert any(re.fullmatch(rf"products/{product['id']}/[0-9a-f-]+\.png", key) for key in keys), keys
