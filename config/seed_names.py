"""The seed's variable names, read when the project's own are unset.

The system this project grew from configured itself with `POSTGRES_SERVER`,
`MINIO_HOST`, `ELASTICSEARCH_HOST` and their friends; a `.env` written for it should
run this project too. This is the one place that maps them: before the settings read
anything, each project variable that is unset or empty is filled from the seed's names,
in the process's environment, so the Celery workers and Spark jobs it starts see the
same values. A project variable that is set always wins.

`KAFKA_BOOTSTRAP_SERVERS`, `SECRET_KEY` and `ACCESS_TOKEN_EXPIRE_MINUTES` have the same
names in both; `API_V1_STR` (`/api/v1`) and `ALGORITHM` (`HS256`) are fixed here.
"""

from collections.abc import Callable, MutableMapping
from urllib.parse import quote

SEED_NAMES = {
    "DATABASE_URL": ("POSTGRES_SERVER", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"),
    "S3_ENDPOINT_URL": ("MINIO_HOST", "MINIO_PORT", "MINIO_USE_SSL"),
    "S3_ACCESS_KEY_ID": ("MINIO_ROOT_USER",),
    "S3_SECRET_ACCESS_KEY": ("MINIO_ROOT_PASSWORD",),
    "S3_BUCKET": ("MINIO_BUCKET_NAME",),
    "SEARCH_URL": ("ELASTICSEARCH_HOST", "ELASTICSEARCH_PORT"),
    "SHOP_NAME": ("PROJECT_NAME",),
}


def _database_url(seed: Callable[[str], str]) -> str:
    if not seed("POSTGRES_SERVER"):
        return ""
    user = seed("POSTGRES_USER") or "postgres"
    password = seed("POSTGRES_PASSWORD")
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return (
        f"postgres://{credentials}@{seed('POSTGRES_SERVER')}:{seed('POSTGRES_PORT') or '5432'}/"
        f"{quote(seed('POSTGRES_DB') or user, safe='')}"
    )


def _s3_endpoint_url(seed: Callable[[str], str]) -> str:
    if not seed("MINIO_HOST"):
        return ""
    scheme = "https" if seed("MINIO_USE_SSL").lower() in ("1", "true", "yes", "on") else "http"
    return f"{scheme}://{seed('MINIO_HOST')}:{seed('MINIO_PORT') or '9000'}"


def _search_url(seed: Callable[[str], str]) -> str:
    if not seed("ELASTICSEARCH_HOST"):
        return ""
    return f"http://{seed('ELASTICSEARCH_HOST')}:{seed('ELASTICSEARCH_PORT') or '9200'}"


BUILDERS: dict[str, Callable[[Callable[[str], str]], str]] = {
    "DATABASE_URL": _database_url,
    "S3_ENDPOINT_URL": _s3_endpoint_url,
    "SEARCH_URL": _search_url,
}


def apply(environ: MutableMapping[str, str]) -> dict[str, str]:
    """Fill the project's unset or empty variables from the seed's names; returns what was filled."""

    def seed(name: str) -> str:
        return environ.get(name, "").strip()

    filled = {}
    for name, seed_names in SEED_NAMES.items():
        if environ.get(name, "").strip():
            continue
        builder = BUILDERS.get(name)
        value = builder(seed) if builder else seed(seed_names[0])
        if value:
            environ[name] = filled[name] = value
    return filled
