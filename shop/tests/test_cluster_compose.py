"""The cluster topology as containers: docker-compose.cluster.yml over docker-compose.yml.

Validated by Debian's docker-compose 1.29 and HAProxy's own check (`scripts/stack tools`
installs both); its services mirror what `make cluster` runs on one machine.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shop.testing import haproxy_defaults
from shop.tests import compose

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `scripts/stack tools` installs it (make test runs it)")
    return path


def test_the_cluster_file_validates_over_the_base_file_and_mirrors_the_topology(tmp_path):
    deployed = compose.checkout(tmp_path / "checkout")
    compose.follow_readme_deploy_steps(deployed)  # the .env a user makes, word for word
    services = compose.rendered(deployed, "docker-compose.yml", "docker-compose.cluster.yml")["services"]

    assert {"zookeeper", "clickhouse", "clickhouse-2", "clickhouse-3", "clickhouse-4"} <= set(services)
    shards = {name: services[name]["environment"]["CLICKHOUSE_SHARD"] for name in services if "clickhouse" in name}
    assert sorted(shards.values()) == ["01", "01", "02", "02"]
    voters = "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"
    for name, node in (("kafka", None), ("kafka-2", "2"), ("kafka-3", "3")):
        environment = services[name]["environment"]
        assert environment["KAFKA_CONTROLLER_QUORUM_VOTERS"] == voters
        assert str(environment["KAFKA_MIN_INSYNC_REPLICAS"]) == "2"
        if node:
            assert str(environment["KAFKA_NODE_ID"]) == node
    assert services["opensearch-2"]["environment"]["discovery.seed_hosts"] == "opensearch,opensearch-2"
    assert services["spark-worker"]["scale"] == 2 and services["consumer"]["scale"] == 2
    for name in ("web", "web-2", "worker", "analytics-worker", "relay", "consumer", "migrate"):
        environment = services[name]["environment"]
        assert environment["CLICKHOUSE_CLUSTER"] == "bazaar", name
        assert environment["KAFKA_REPLICATION_FACTOR"] == "3", name
        assert environment["SEARCH_URL"] == "http://opensearch:9200,http://opensearch-2:9200", name
    web, web_2 = services["web"]["environment"], services["web-2"]["environment"]
    assert web == web_2  # the second instance runs exactly as the first
    assert web["CLICKHOUSE_URL"].endswith("?alt_hosts=clickhouse-2:9000,clickhouse-3:9000,clickhouse-4:9000")
    assert services["haproxy"]["ports"][0]["published"] in (8008, "8008")


def test_risk_the_cluster_trusts_x_forwarded_for_from_clients_that_bypass_haproxy(tmp_path):
    """web's port 8000 stays published by the base file; the app believes X-Forwarded-For only from
    HAProxy's network, which nobody but HAProxy and the web instances joins."""
    deployed = compose.checkout(tmp_path / "checkout")
    compose.follow_readme_deploy_steps(deployed)
    rendered = compose.rendered(deployed, "docker-compose.yml", "docker-compose.cluster.yml")
    services = rendered["services"]

    subnet = rendered["networks"]["balancer"]["ipam"]["config"][0]["subnet"]
    for name in ("web", "web-2"):
        assert services[name]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
        assert services[name]["environment"]["TRUSTED_PROXY_NETWORKS"] == subnet
    assert list(services["haproxy"]["networks"]) == ["balancer"]
    on_balancer = {name for name, service in services.items() if "balancer" in (service.get("networks") or {})}
    assert on_balancer == {"haproxy", "web", "web-2"}


def test_the_load_balancer_config_passes_haproxys_check_and_health_checks_readiness():
    config = ROOT / "docker" / "haproxy" / "haproxy.cfg"
    done = subprocess.run([_tool("haproxy"), "-c", "-f", str(config)], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stdout + done.stderr
    text = config.read_text()
    assert "option httpchk GET /health/ready" in text
    assert "server web1 web:8000 check" in text and "server web2 web-2:8000 check" in text


def test_each_scale_out_line_of_the_readme_names_tests_that_exist():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Scale out") : readme.index("## The back-office")]
    rows = [line for line in section.splitlines() if line.startswith("| **")]
    named = re.findall(r"`((?:\w+/)*test_\w+\.py)`", section)

    assert len(rows) == 6
    assert all("test_" in row for row in rows)  # every part names what proves it
    for name in named:
        matches = list(ROOT.glob(name)) + list(ROOT.glob(f"*/tests/{name}"))
        assert matches, f"README names {name}, which does not exist"


def test_both_load_balancers_resend_only_whole_requests_and_share_their_defaults():
    """`make cluster`'s HAProxy (written by scripts/stack-cluster.sh) and the compose one behave
    alike; each waits for a request's body before choosing a server, so a POST an instance dropped
    while stopping is resent whole, and neither resends a request that timed out."""
    composed = haproxy_defaults((ROOT / "docker" / "haproxy" / "haproxy.cfg").read_text())
    script = (ROOT / "scripts" / "stack-cluster.sh").read_text()
    start = script.index('haproxy/haproxy.cfg" <<CFG\n')
    written = haproxy_defaults(script[start : script.index("\nCFG\n", start)])

    assert composed == written
    assert "option http-buffer-request" in composed
    retry_on = next(line for line in composed if line.startswith("retry-on "))
    assert "empty-response" in retry_on and "response-timeout" not in retry_on
