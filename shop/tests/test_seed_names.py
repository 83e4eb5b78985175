"""The seed's variable names, read when the project's own are unset (config/seed_names.py)."""

import os
import subprocess
import sys

from config import seed_names
from shop.testing import ROOT

# The seed README's .env, as it is written there (shop/tests/fixtures/seed.env).
SEED_ENV = ROOT / "shop" / "tests" / "fixtures" / "seed.env"


def _seed_environment() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in SEED_ENV.read_text().splitlines() if "=" in line and line[0] != "#")
    return {key.strip(): value.strip() for key, value in pairs}


def test_the_seeds_names_fill_the_projects_settings():
    environment = _seed_environment()

    filled = seed_names.apply(environment)

    assert filled == {
        "DATABASE_URL": "postgres://postgres:postgres@db:5432/ecommerce",
        "S3_ENDPOINT_URL": "http://minio:9000",
        "S3_ACCESS_KEY_ID": "minioadmin",
        "S3_SECRET_ACCESS_KEY": "minioadmin",
        "S3_BUCKET": "product-images",
        "SEARCH_URL": "http://elasticsearch:9200",
        "SHOP_NAME": "E-commerce Analytics Platform",
    }


def test_a_project_variable_that_is_set_wins_and_an_empty_one_does_not():
    environment = {"S3_BUCKET": "my-bucket", "SEARCH_URL": "", "ELASTICSEARCH_HOST": "search", "MINIO_USE_SSL": "true",
                   "MINIO_HOST": "s3.example.com", "MINIO_PORT": "443", "POSTGRES_SERVER": "db",
                   "POSTGRES_USER": "shop", "POSTGRES_PASSWORD": "p@ss:w/rd"}  # fmt: skip

    seed_names.apply(environment)

    assert environment["S3_BUCKET"] == "my-bucket"
    assert environment["SEARCH_URL"] == "http://search:9200"
    assert environment["S3_ENDPOINT_URL"] == "https://s3.example.com:443"
    assert environment["DATABASE_URL"] == "postgres://shop:p%40ss%3Aw%2Frd@db:5432/shop"


def test_the_settings_read_the_seeds_env_with_the_seeds_bucket():
    """The whole path: a process started with the seed's .env, its settings as Django sees them."""
    env = {key: value for key, value in os.environ.items() if key.startswith(("PATH", "HOME", "LANG", "SECRET_KEY"))}
    # DEBUG on: the seed's placeholder SECRET_KEY is for development only (production refuses it)
    env.update(_seed_environment(), DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; o = s.STORAGES['default']['OPTIONS']; "
            "print(s.DATABASES['default']['HOST'], s.DATABASES['default']['NAME'], o['bucket_name'], "
            "o['endpoint_url'], s.SEARCH_URL, s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].seconds // 60, s.SHOP_NAME)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=6) == [
        "db", "ecommerce", "product-images", "http://minio:9000", "http://elasticsearch:9200", "30",
        "E-commerce Analytics Platform\n",
    ]  # fmt: skip


def test_the_bucket_is_product_images_by_default_everywhere():
    from shop.object_storage import storage_settings

    class Env:
        def str(self, name, default=""):
            return {"S3_ENDPOINT_URL": "http://127.0.0.1:9000"}.get(name, default)

        def int(self, name, default=0):
            return default

    assert storage_settings(Env())["OPTIONS"]["bucket_name"] == "product-images"
    assert "S3_BUCKET=product-images" in (ROOT / ".env.example").read_text()
    assert "bazaar-media" not in (ROOT / "docker-compose.yml").read_text()
