"""The deployment as files: compose, Prometheus, Grafana, .env.example, `check --deploy`.

Checked with the real tools (Debian's docker-compose 1.29 and promtool, which
`scripts/stack tools` installs) and against a real /metrics scrape.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from shop.tests import compose

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
DASHBOARDS = sorted((DOCKER / "grafana" / "dashboards").glob("*.json"))
APP_SERVICES = {"web", "worker", "analytics-worker", "beat", "relay", "consumer"}
TOKEN_FILE = "/tmp/metrics-token"  # noqa: S108 (inside the Prometheus container, written by its entrypoint)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `scripts/stack tools` installs it (make test runs it)")
    return path


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture
def deployed(tmp_path) -> Path:
    """A checkout whose .env was made by the README's deploy steps, word for word."""
    project = compose.checkout(tmp_path / "checkout")
    compose.follow_readme_deploy_steps(project)
    return project


def test_docker_compose_validates_with_docker_compose_1_29_after_the_readmes_steps(deployed):
    for files in (("docker-compose.yml",), ("docker-compose.yml", "docker-compose.dev.yml")):
        done = compose.render(deployed, *files)
        assert done.returncode == 0, done.stderr


def test_compose_runs_every_service_in_order_on_the_seeds_ports(deployed):
    rendered = compose.rendered(deployed)
    services = _compose()["services"]

    assert "version" not in _compose()  # the Compose Specification: no version key (Compose v2 warns on it)
    assert set(services) >= {
        "postgres", "redis", "minio", "opensearch", "kafka", "clickhouse", "spark-master", "spark-worker",
        "migrate", "prometheus", "grafana", "mail", *APP_SERVICES,
    }  # fmt: skip
    assert compose.published_ports(rendered) == {"web": [("", 8000)], "minio": [("", 9000)], "grafana": [("", 3000)]}
    development = compose.published_ports(compose.rendered(deployed, "docker-compose.yml", "docker-compose.dev.yml"))
    assert {name: ports[-1] for name, ports in development.items()}.items() >= {
        "minio": ("127.0.0.1", 9001), "prometheus": ("127.0.0.1", 9090), "clickhouse": ("127.0.0.1", 8123),
        "spark-master": ("127.0.0.1", 8080), "mail": ("127.0.0.1", 8025),
    }.items()  # fmt: skip
    assert rendered["services"]["web"]["environment"]["S3_BUCKET"] == "product-images"
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    for name in ("postgres", "redis", "minio", "opensearch", "kafka", "clickhouse"):
        assert "healthcheck" in services[name], name
        assert services["migrate"]["depends_on"].get(name, {"condition": "service_healthy"})["condition"] == (
            "service_healthy"
        )
    assert set(_compose()["volumes"]) >= {"postgres", "minio", "opensearch", "kafka", "clickhouse", "grafana"}


def test_the_analytics_chain_runs_on_a_worker_of_its_own_one_run_at_a_time(deployed):
    services = compose.rendered(deployed)["services"]
    analytics, worker = services["analytics-worker"], services["worker"]

    for name in APP_SERVICES:  # whoever queues the chain (beat, the admin's "run now") sends it there
        assert services[name]["environment"]["ANALYTICS_QUEUE"] == "analytics", name
    command = " ".join(analytics["command"])
    assert "--queues=analytics" in command and "--concurrency=1" in command
    assert "--queues=celery" in worker["command"]
    # a fresh driver starts from the class archive, made first for the image's Java and jars; the
    # worker starts even when it cannot be made, and its health check waits out the training run
    made = command.index("timeout 300 python manage.py spark_class_archive --if-stale || true;")
    assert analytics["command"][:2] == ["sh", "-c"] and made < command.index("exec celery")
    assert _seconds(analytics["healthcheck"]["start_period"]) >= 120
    assert analytics["init"] is True  # `docker stop` reaches the shell while the archive is made
    # a session kept on the compose cluster would keep every executor core from other jobs
    assert analytics["environment"].get("SPARK_KEEP_SESSION", "false") == "false"
    assert worker["environment"].get("SPARK_KEEP_SESSION", "false") == "false"
    assert "analytics@" in " ".join(analytics["healthcheck"]["test"])


def _seconds(duration: str) -> int:
    """A duration as `docker-compose config` renders it: 3m0s, 90s, 1h2m."""
    return sum(int(count) * {"h": 3600, "m": 60, "s": 1}[unit] for count, unit in re.findall(r"(\d+)([hms])", duration))


def test_the_image_runs_as_a_user_with_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.count("FROM ") >= 2  # multi-stage
    assert re.search(r"^USER bazaar$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "collectstatic" in dockerfile and "gunicorn" in dockerfile


def test_the_image_carries_the_warehouse_writer_beside_the_jdbc_drivers():
    """Spark's executors write ClickHouse through our JVM class (spark_jobs/jvm); the image builds it
    with the script `scripts/stack spark` uses and puts it where SPARK_JARS_DIR points."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    jars_dir = re.search(r"SPARK_JARS_DIR=(\S+)", dockerfile)[1]
    assert re.search(
        r"^RUN /build/scripts/build-warehouse-writer python /build/bazaar-warehouse-writer\.jar$", dockerfile, re.M
    )
    assert f"COPY --from=writer /build/bazaar-warehouse-writer.jar {jars_dir}/" in dockerfile
    assert "build-warehouse-writer" in (ROOT / "scripts" / "stack").read_text()


def test_the_writer_builds_as_the_image_builds_it_with_pyspark_alone(tmp_path):
    """The image's writer stage installs pyspark without its dependencies (no py4j) and runs the
    build script with javac from PATH: the script must find pyspark's jars without importing it."""
    if shutil.which("javac") is None:
        pytest.skip("no javac on PATH (scripts/stack spark installs a JDK)")
    blocked = tmp_path / "blocked" / "py4j"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('py4j is not in the writer stage')\n")
    environment = {**os.environ, "PYTHONPATH": str(blocked.parent)}
    environment.pop("JAVA_HOME", None)
    jar = tmp_path / "bazaar-warehouse-writer.jar"

    done = subprocess.run(
        [str(ROOT / "scripts" / "build-warehouse-writer"), sys.executable, str(jar)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    listing = subprocess.run(["jar", "--list", "--file", str(jar)], capture_output=True, text=True, check=True)
    assert "bazaar/warehouse/CsvOverHttp.class" in listing.stdout
    assert (tmp_path / "bazaar-warehouse-writer.jar.stamp").read_text().startswith("pyspark ")


def test_prometheus_config_and_alert_rules_pass_promtool():
    """Checked as Prometheus's container sees them: its entrypoint has written the token file that
    prometheus.yml names (here in a private /tmp of a mount namespace of the check's own)."""
    promtool = _tool("promtool")
    as_in_the_container = f'mount -t tmpfs tmpfs /tmp && printf token > {TOKEN_FILE} && exec {promtool} "$@"'
    for arguments in (["check", "config", "prometheus.yml"], ["check", "rules", "alerts.yml"]):
        done = subprocess.run(
            ["unshare", "--mount", "sh", "-c", as_in_the_container, "promtool", *arguments],
            cwd=DOCKER / "prometheus",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    rules = yaml.safe_load((DOCKER / "prometheus" / "alerts.yml").read_text())
    names = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert names >= {
        "HighServerErrorRatio", "SlowRequests", "OutboxBacklogGrowing", "EtlNotSuccessful", "DataQualityCheckFailed",
    }  # fmt: skip


def test_prometheus_scrapes_the_web_app_both_workers_relay_and_consumer():
    config = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}
    services = _compose()["services"]

    assert jobs == {
        "web": ["web:8000"],
        "worker": ["worker:9808"],
        "analytics-worker": ["analytics-worker:9809"],
        "relay": ["relay:9810"],
        "consumer": ["consumer:9811"],
    }
    assert "9810" in services["relay"]["command"] and "9811" in services["consumer"]["command"]


def test_grafana_provisions_a_prometheus_source_and_the_four_dashboards():
    source = yaml.safe_load((DOCKER / "grafana/provisioning/datasources/prometheus.yml").read_text())
    provider = yaml.safe_load((DOCKER / "grafana/provisioning/dashboards/bazaar.yml").read_text())
    titles = {json.loads(path.read_text())["title"] for path in DASHBOARDS}

    assert source["datasources"][0]["type"] == "prometheus" and source["datasources"][0]["uid"] == "prometheus"
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    assert titles == {"Application_info", "Request_info", "Business", "Pipeline"}
    volumes = _compose()["services"]["grafana"]["volumes"]
    assert "./docker/grafana/dashboards:/var/lib/grafana/dashboards:ro" in volumes


PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "rate", "irate", "increase", "deriv", "histogram_quantile", "time",
    "absent", "by", "without", "and", "or", "unless", "on", "ignoring", "le", "bool", "offset",
}  # fmt: skip


def metric_names(expression: str) -> set[str]:
    """The series an expression reads: identifiers not in PromQL, outside label matchers and strings."""
    stripped = re.sub(r"\{[^}]*\}", "", expression)
    stripped = re.sub(r'"[^"]*"', "", stripped)
    stripped = re.sub(r"\[[^\]]*\]", "", stripped)
    stripped = re.sub(r"\b(by|without)\s*\([^)]*\)", "", stripped)
    return {word for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", stripped) if word not in PROMQL_WORDS}


def dashboard_metrics() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                for name in metric_names(target["expr"]):
                    found.setdefault(name, set()).add(f"{path.stem}: {panel['title']}")
    return found


def test_metric_names_are_read_from_expressions():
    assert metric_names(
        "histogram_quantile(0.95, sum by (le, view) (rate(django_http_requests_latency_seconds_by_view_method_bucket"
        '{status=~"5.."}[5m]))) / time()'
    ) == {"django_http_requests_latency_seconds_by_view_method_bucket"}


@pytest.mark.django_db(transaction=True)
def test_every_dashboard_metric_is_in_a_real_scrape_after_traffic(client, product, settings, kafka_topic):
    """Traffic of every kind, then one scrape of the web app: each panel's series must be there."""
    from django.core.cache import cache
    from django.utils import timezone
    from prometheus_client import generate_latest

    from accounts.tests.factories import BuyerFactory
    from analytics.models import JobRun, PipelineRun
    from cart.services import add_to_cart, user_cart
    from catalog.models import SearchQueueEntry
    from orders.services import place_order
    from shop.errors import DomainError
    from shop.metrics import registry_for_scrape
    from shop.tasks import relay_events

    settings.CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
    settings.CACHES = {"default": {"BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache"}}  # as deployed
    buyer = BuyerFactory()
    add_to_cart(user_cart(buyer), product, 1)
    place_order(buyer)
    with pytest.raises(DomainError):
        place_order(buyer)
    relay_events.apply(kwargs={"unexpected": 1})
    cache.set("warm", 1)
    cache.get("warm"), cache.get("cold")
    SearchQueueEntry.objects.create(kind="product", object_id=product.pk, queued_at=timezone.now())
    run = PipelineRun.objects.create(kind="sync", trigger="test", status="succeeded")
    for job in ("incremental_sync", "data_aggregation", "data_quality_check"):
        JobRun.objects.create(run=run, job=job, status="succeeded", rows={"orders": 1}, finished_at=timezone.now())
    for path in ("/", "/api/v1/products", "/no-such-page/"):
        client.get(path)

    text = client.get("/metrics").content.decode() + generate_latest(registry_for_scrape(with_state=False)).decode()
    exported = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}

    missing = {name: panels for name, panels in dashboard_metrics().items() if name not in exported}
    assert not missing, f"dashboard panels read series the app does not export: {missing}"


def test_env_example_documents_every_variable():
    sources = [
        ROOT / "config" / "settings.py",
        ROOT / "shop" / "object_storage.py",
        ROOT / "config" / "celery.py",
        ROOT / "shop" / "metrics.py",
        DOCKER / "gunicorn.conf.py",
    ]
    used = set()
    for path in sources:
        used |= set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
        used |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    used |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert used - documented == set()


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    production = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DEBUG": "false",
        "SECRET_KEY": "k3y-" + "x7Qp9vLm2Rt8Zb4Nc6Hs1Jd5Fg0Ky3Wa" * 2,
        "ALLOWED_HOSTS": "shop.example.com",
        "SESSION_COOKIE_SECURE": "true",
        "CSRF_COOKIE_SECURE": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


# --- Issue: compose exposed what it should not (docs/security.md, "Deployment") -------------------------

PRIVATE_NETWORKS = ("10.", "172.16.", "192.168.")


def test_risk_compose_starts_with_default_credentials(tmp_path):
    """`cp .env.example .env && docker compose up` must not start on passwords anyone can read here."""
    project = compose.checkout(tmp_path / "checkout")
    (project / ".env").write_text((project / ".env.example").read_text())

    done = compose.render(project)

    assert done.returncode != 0 and "in .env" in done.stderr  # says what to set
    text = (ROOT / "docker-compose.yml").read_text()
    defaulted = re.findall(r"\$\{([A-Z_]*(?:PASSWORD|SECRET|_TOKEN|KEY))(?:_FILE)?:-([^}]+)\}", text)
    assert defaulted == [], f"secrets with a default value: {defaulted}"
    assert re.search(r"^SECRET_KEY=$", (ROOT / ".env.example").read_text(), re.M)  # no usable key published
    for name in (
        "POSTGRES_PASSWORD",
        "MINIO_ROOT_PASSWORD",
        "CLICKHOUSE_PASSWORD",
        "METRICS_TOKEN",
        "GRAFANA_ADMIN_PASSWORD",
    ):
        assert re.search(rf"^{name}=$", (ROOT / ".env.example").read_text(), re.M), name


def test_risk_compose_publishes_internal_services_on_the_host(deployed):
    published = compose.published_ports(compose.rendered(deployed))

    assert set(published) == {"web", "minio", "grafana"}  # the site, the S3 API for image URLs, the dashboards
    assert published["minio"] == [("", 9000)]  # not the console
    development = compose.published_ports(compose.rendered(deployed, "docker-compose.yml", "docker-compose.dev.yml"))
    for name, ports in development.items():
        if name not in published:
            assert all(address == "127.0.0.1" for address, _ in ports), (name, ports)


def test_risk_metrics_trust_every_private_network_in_compose(deployed):
    """Behind a load balancer (or docker's own port proxy) every client comes from a private network."""
    environment = compose.rendered(deployed)["services"]["web"]["environment"]
    prometheus = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())
    web_job = next(job for job in prometheus["scrape_configs"] if job["job_name"] == "web")

    assert not any(network.strip().startswith(PRIVATE_NETWORKS) for network in
                   environment["METRICS_ALLOWED_NETWORKS"].split(","))  # fmt: skip
    assert len(environment["METRICS_TOKEN"]) >= 32
    assert web_job["authorization"] == {"type": "Bearer", "credentials_file": TOKEN_FILE}
    entrypoint = " ".join(_compose()["services"]["prometheus"]["entrypoint"])
    assert TOKEN_FILE in entrypoint and "METRICS_TOKEN" in entrypoint


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_risk_secrets_files_are_readable_by_every_user_of_the_machine(tmp_path):
    """The README's .env, and the settings files scripts/stack and the cluster write (database,
    S3 and ClickHouse passwords, the cluster's SECRET_KEY), are readable by their owner only."""
    project = compose.checkout(tmp_path / "checkout")
    os.umask(umask := os.umask(0o022))  # a usual umask: new files readable by all unless made private
    try:
        compose.follow_readme_deploy_steps(project)
        assert _mode(project / ".env") == 0o600

        writers = (
            ("scripts/stack", "set_env", "ENV_FILE", ".env.stack"),
            ("scripts/stack-cluster.sh", "cluster_set_env", "CLUSTER_ENV", ".env.cluster"),
        )
        for script, function, variable, name in writers:
            target = tmp_path / name
            body = re.search(rf"^{function}\(\) \{{.*?^\}}", (ROOT / script).read_text(), re.M | re.S).group(0)
            command = f'{variable}="{target}"\n{body}\n{function} PASSWORD s3cret\n{function} OTHER value'
            subprocess.run(["bash", "-euo", "pipefail", "-c", command], check=True, timeout=30)
            assert target.read_text().splitlines() == ["PASSWORD=s3cret", "OTHER=value"]
            assert _mode(target) == 0o600, (script, oct(_mode(target)))
    finally:
        os.umask(umask)
