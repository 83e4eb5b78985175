"""Fixtures shared by every app's tests."""

import contextlib
import os

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from config.celery import app as celery_app
from shop import shared_reads

# Decided once, before any task is sent: Celery builds its connection pool on first use.
# Tasks run eagerly in tests; the worker test points a real worker at this same broker.
celery_app.conf.broker_url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or None

# The servers the tests talk to; `make test` starts them (scripts/stack) and puts these in the environment.
NEEDED_SERVICES = (
    "DATABASE_URL",
    "REDIS_URL",
    "S3_ENDPOINT_URL",
    "SEARCH_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "CLICKHOUSE_URL",
)


def pytest_configure(config):
    """Plain `pytest` (the seed's command) in a shell without the servers: one line that says what to
    run, before any test is collected, rather than hundreds of failures."""
    missing = [name for name in NEEDED_SERVICES if not os.environ.get(name)]
    if missing:
        pytest.exit(
            f"The tests need real servers ({', '.join(missing)} unset): run `make test`, which starts them and "
            "runs every test (or `make stack`, then `set -a; . ./.env.stack; set +a` before pytest).",
            returncode=4,
        )
    # The Russian pages and mails the tests render read the compiled catalogues (.mo, not in git).
    from shop.i18n.catalogues import compile_all

    compile_all()


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path, tmp_path_factory):
    """Cheap password hashing, uploads in a temporary folder (tests that want the S3 server
    ask for the `bucket` fixture), throttles reset per test, API answers checked against the schema, and an
    embedded warehouse of the test process's own (pages that read it find no tables unless a test asks for
    `warehouse`)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.SEARCH_URL = ""  # search answers from the database unless a test asks for `search_index`
    settings.KAFKA_BOOTSTRAP_SERVERS = ""  # events stay in the outbox unless a test asks for `kafka_topic`
    settings.CLICKHOUSE_URL = ""  # tests that need the warehouse ask for `warehouse`
    # chdb runs one embedded server per process, on one folder: whatever opens it in-process (the
    # admin's analytics page in the browser test) uses the folder the `warehouse` fixture uses.
    settings.CHDB_PATH = tmp_path_factory.getbasetemp() / "chdb"
    celery_app.conf.task_always_eager = True  # tasks run in the test, whatever broker .env.stack names
    settings.API_CONTRACT = "raise"  # every API answer a test receives must match the OpenAPI schema
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    cache.clear()
    shared_reads.drop_local_copies()


@pytest.fixture(autouse=True)
def _shops_own_language():
    """Each test starts in the shop's own language and leaves no other behind: a page asked for under
    /ru/ activates Russian for the rest of its thread, which would make the next test's messages depend
    on the order the tests ran in."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """An API client that sends a real JWT for the given user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client

    return make


@pytest.fixture
def buyer(db):
    from accounts.tests.factories import BuyerFactory

    return BuyerFactory()


@pytest.fixture
def seller(db):
    from accounts.tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def other_seller(db):
    from accounts.tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def staff(db):
    from accounts.tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def product(seller):
    from catalog.tests.factories import ProductFactory

    return ProductFactory(seller=seller, stock=10)


@pytest.fixture
def bucket(settings):
    """Uploads go to a fresh bucket on the real S3 server that `make test` starts (S3Proxy)."""
    import os
    import uuid

    import boto3
    import environ

    from shop.object_storage import CLIENT_CONFIG, storage_settings

    if not os.environ.get("S3_ENDPOINT_URL"):
        pytest.skip("S3_ENDPOINT_URL is not set (make test starts S3Proxy and sets it)")
    name = f"test-{uuid.uuid4().hex[:16]}"
    config = storage_settings(environ.Env())
    config["OPTIONS"]["bucket_name"] = name
    settings.STORAGES = {**settings.STORAGES, "default": config}
    client = boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=CLIENT_CONFIG,
    )
    yield client, name
    try:
        for item in client.list_objects_v2(Bucket=name).get("Contents", []):
            if not item["Key"].endswith("/"):  # S3Proxy's folder markers go with the bucket
                client.delete_object(Bucket=name, Key=item["Key"])
        client.delete_bucket(Bucket=name)
    except client.exceptions.NoSuchBucket:
        pass


@pytest.fixture
def search_index(settings):
    """The real OpenSearch node that `make test` starts, under index names of this test's own."""
    import os
    import uuid

    from catalog.search import indexer
    from shop import search_engine

    if not os.environ.get("SEARCH_URL"):
        pytest.skip("SEARCH_URL is not set (make test starts OpenSearch and sets it)")
    settings.SEARCH_URL = os.environ["SEARCH_URL"]
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}"
    indexer.ensure_indices()
    yield search_engine.admin_client()
    search_engine.admin_client().indices.delete(index=f"{settings.SEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)


@pytest.fixture
def kafka_topic(settings):
    """A topic of this test's own on the real Kafka broker that `make test` starts."""
    import uuid

    from confluent_kafka.admin import AdminClient

    from shop import kafka

    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS is not set (make test starts Kafka and sets it)")
    settings.KAFKA_BOOTSTRAP_SERVERS = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    settings.KAFKA_EVENTS_TOPIC = f"test-events-{uuid.uuid4().hex[:12]}"
    kafka.ensure_topic()
    yield settings.KAFKA_EVENTS_TOPIC
    AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS}).delete_topics([settings.KAFKA_EVENTS_TOPIC])


@pytest.fixture(params=["clickhouse-server", "chdb"])
def warehouse(request, settings, tmp_path_factory):
    """A fresh warehouse database: on the ClickHouse 18.16 server that `make test` starts, and in chdb."""
    import uuid

    from analytics import schema
    from analytics.warehouse import warehouse as current

    database = f"test_{uuid.uuid4().hex[:12]}"
    if request.param == "clickhouse-server":
        if not os.environ.get("CLICKHOUSE_URL"):
            pytest.skip("CLICKHOUSE_URL is not set (make test starts ClickHouse and sets it)")
        from analytics.warehouse import with_database

        settings.CLICKHOUSE_URL = with_database(os.environ["CLICKHOUSE_URL"], database)
    else:
        settings.CLICKHOUSE_URL = ""
        settings.CHDB_PATH = tmp_path_factory.getbasetemp() / "chdb"  # one embedded server per process
        settings.CHDB_DATABASE = database
    schema.migrate()
    store = current()
    yield store
    store.execute(f"DROP DATABASE IF EXISTS {database}")


@pytest.fixture
def spark(settings):
    """Spark in local mode, one session kept per test process (`make test` fetches the JDBC drivers)."""
    from spark_jobs.session import jdbc_jars

    settings.SPARK_KEEP_SESSION = True
    settings.SPARK_JDBC_PARTITIONS = 2
    jdbc_jars()  # fails with the command that fetches them, rather than deep inside a job
    return settings


@pytest.fixture(scope="session")
def cluster_topology() -> dict[str, str]:
    """The settings of the cluster topology (`make cluster`), which `make test` starts for `-m cluster`."""
    from shop.testing import cluster_settings

    found = cluster_settings()
    if not found.get("CLICKHOUSE_CLUSTER"):
        pytest.skip("the cluster topology is not up: `make cluster` starts it (make test does, for -m cluster)")
    return found


@pytest.fixture
def cluster_warehouse(settings, cluster_topology):
    """A fresh database on the replicated, sharded ClickHouse: Replicated tables on its four nodes,
    Distributed tables over them."""
    import uuid

    from analytics import schema
    from analytics.warehouse import warehouse as current

    database = f"test_{uuid.uuid4().hex[:12]}"
    base, _, query = cluster_topology["CLICKHOUSE_URL"].partition("?")
    settings.CLICKHOUSE_URL = f"{base.rsplit('/', 1)[0]}/{database}?{query}"
    settings.CLICKHOUSE_CLUSTER = cluster_topology["CLICKHOUSE_CLUSTER"]
    schema.migrate()
    store, nodes = current(), schema.cluster_nodes()
    yield store
    for node in nodes:
        with contextlib.suppress(Exception):  # a node a drill left stopped keeps its copy; the name is unique
            node.execute(f"DROP DATABASE IF EXISTS {database}")


@pytest.fixture
def cluster_kafka_topic(settings, cluster_topology):
    """A topic of this test's own on the three-broker Kafka: KAFKA_PARTITIONS partitions, three
    copies each, two in sync for an acknowledged write; and a consumer group of its own."""
    import uuid

    from confluent_kafka.admin import AdminClient

    from shop import kafka

    settings.KAFKA_BOOTSTRAP_SERVERS = cluster_topology["KAFKA_BOOTSTRAP_SERVERS"]
    settings.KAFKA_PARTITIONS = int(cluster_topology["KAFKA_PARTITIONS"])
    settings.KAFKA_REPLICATION_FACTOR = int(cluster_topology["KAFKA_REPLICATION_FACTOR"])
    settings.KAFKA_MIN_INSYNC_REPLICAS = int(cluster_topology["KAFKA_MIN_INSYNC_REPLICAS"])
    settings.KAFKA_EVENTS_TOPIC = f"drill-events-{uuid.uuid4().hex[:12]}"
    settings.EVENTS_CONSUMER_GROUP = f"drill-{uuid.uuid4().hex[:12]}"
    kafka.ensure_topic()
    yield settings.KAFKA_EVENTS_TOPIC
    AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS}).delete_topics([settings.KAFKA_EVENTS_TOPIC])
