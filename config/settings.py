"""Project settings, one module, driven by environment variables.

Every external service has one setting; when it is empty the embedded default
takes over (SQLite, local files, ...), so the site runs on a bare machine.
`.env.example` lists every variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config import seed_names
from config.keys import development_key, require_strong
from shop.object_storage import storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# The seed's names (POSTGRES_SERVER, MINIO_BUCKET_NAME, ...) fill whatever the project's own leave unset.
seed_names.apply(os.environ)

DEBUG = env.bool("DEBUG", default=False)

# --- Signing keys ---------------------------------------------------------------
# SECRET_KEY signs sessions, password-reset and sign-up links; JWT_SIGNING_KEY signs API
# tokens (SECRET_KEY when unset), so the two can be rotated apart (docs/security.md).
# With DEBUG off, a key that is empty, short or published anywhere stops the process
# (config/keys.py); with DEBUG on and no key, a development key stands in.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and env.bool("SECRET_KEY_PER_RUN", default=False):
    # The tests (pyproject.toml): a random key for this run, handed to the processes it starts.
    # A key written in the repository instead would be a published one that production accepts.
    SECRET_KEY = os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY
if DEBUG:
    # made once per machine (config/keys.py), never a value anyone could read in this repository
    DEVELOPMENT_KEY_FILE = Path(env.str("DEVELOPMENT_KEY_FILE", default="") or BASE_DIR / ".data" / "development-key")
    SECRET_KEY = SECRET_KEY or development_key(DEVELOPMENT_KEY_FILE)
    JWT_SIGNING_KEY = JWT_SIGNING_KEY or SECRET_KEY
else:
    require_strong("SECRET_KEY", SECRET_KEY)
    require_strong("JWT_SIGNING_KEY", JWT_SIGNING_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's public address ("https://shop.example.com"): the links we mail start with it, never
# with the request's Host (accounts/links.py). Empty: the request's address (a developer's machine).
SITE_URL = env.str("SITE_URL", default="")

INSTALLED_APPS = [
    "shop.apps.ShopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_prometheus",
    "shop",
    "accounts",
    "catalog",
    "cart",
    "orders",
    "reviews",
    "analytics",
    "recommendations",
]

MIDDLEWARE = [
    # Tests only: checks every API answer against the OpenAPI schema (shop/api/contract.py); not loaded otherwise.
    "shop.api.contract.ContractCheck",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "shop.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before the language is chosen: a signed-in person's language is kept on the account.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shop.i18n.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cart.context_processors.cart_summary",
                "catalog.context_processors.top_categories",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# Empty DATABASE_URL: SQLite in WAL mode with immediate transactions and a busy
# timeout, so a handful of concurrent requests queue instead of failing with
# "database is locked".
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer fails the request in seconds (a 503), not at the client's timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=3)
# The same backends, wrapped by django-prometheus to count queries and errors.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
# Used by throttling. Empty REDIS_URL: a per-process memory cache.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shop.cache.CountingRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs costs a request half a second, not the worker (shop/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            # Sites (or benchmarks) sharing one Redis each keep their own keys.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache"}}

# Rendered fragments every visitor sees alike (product cards), kept under a key made of what they
# show, so a change is never served stale (shop/fragments.py). 0: render every time.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=3600)
# How many of them each process also keeps in its own memory, in front of the shared cache.
FRAGMENT_MEMORY_ITEMS = env.int("FRAGMENT_MEMORY_ITEMS", default=5000)
# The category tree and the shops of the filter form, read on every catalogue and home page: kept
# until a category or shop changes, and at most this long (shop/shared_reads.py). 0: read every time.
SHARED_READS_SECONDS = env.int("SHARED_READS_SECONDS", default=300)
# ...and each process keeps its copy this long before asking the cache whether they changed.
SHARED_READS_LOCAL_SECONDS = env.float("SHARED_READS_LOCAL_SECONDS", default=2.0)

# --- Background tasks (Celery) ---------------------------------------------------------
# Empty CELERY_BROKER_URL: tasks run eagerly, in the process that queues them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Schedules live in the database (django-celery-beat), editable in the admin; the
# entries below are written there when beat starts, the hourly analytics chain by
# the analytics app's data migration.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The queue the analytics chain's tasks go to; empty: the default queue, which every worker serves.
# docker-compose.yml names one ("analytics") served by a worker of its own, one task at a time.
ANALYTICS_QUEUE = env.str("ANALYTICS_QUEUE", default="")
CELERY_TASK_ROUTES = {"analytics.tasks.*": {"queue": ANALYTICS_QUEUE}} if ANALYTICS_QUEUE else {}
CELERY_BEAT_SCHEDULE = {
    # Retries search-index updates that could not be sent (the engine was down).
    "search-index-sync": {"task": "catalog.tasks.process_search_queue", "schedule": 60.0},
    # Publishes the domain-event outbox to Kafka (also `manage.py relay_events`).
    "relay-events": {"task": "shop.tasks.relay_events", "schedule": 10.0},
    # Cancels orders left unpaid for ORDER_HOLD_MINUTES, so their stock goes back on sale.
    "expire-unpaid-orders": {"task": "orders.tasks.expire_unpaid_orders", "schedule": 60.0},
}

# --- Events (Kafka) ------------------------------------------------------------------------
# Empty KAFKA_BOOTSTRAP_SERVERS: events stay in the outbox table.
KAFKA_BOOTSTRAP_SERVERS = env.str("KAFKA_BOOTSTRAP_SERVERS", default="")
KAFKA_EVENTS_TOPIC = env.str("KAFKA_EVENTS_TOPIC", default="bazaar.events")
# Partitions of the events topic: the most consumers one group can spread over (scale-out).
KAFKA_PARTITIONS = env.int("KAFKA_PARTITIONS", default=6)
# On a cluster: 3 copies of each partition, and a write is acknowledged (acks=all) only once
# KAFKA_MIN_INSYNC_REPLICAS of them have it, so losing one broker loses no acknowledged event.
KAFKA_REPLICATION_FACTOR = env.int("KAFKA_REPLICATION_FACTOR", default=1)
KAFKA_MIN_INSYNC_REPLICAS = env.int("KAFKA_MIN_INSYNC_REPLICAS", default=1)
KAFKA_DELIVERY_TIMEOUT_MS = env.int("KAFKA_DELIVERY_TIMEOUT_MS", default=10000)

# --- Analytics warehouse -------------------------------------------------------------------
# Empty CLICKHOUSE_URL: the embedded engine (chdb) keeps the warehouse under CHDB_PATH.
CLICKHOUSE_URL = env.str("CLICKHOUSE_URL", default="")
# A replicated, sharded ClickHouse: the cluster's name in its remote_servers (analytics.schema
# then makes Replicated*MergeTree tables on every node and Distributed tables over them).
CLICKHOUSE_CLUSTER = env.str("CLICKHOUSE_CLUSTER", default="")
CHDB_PATH = Path(env.str("CHDB_PATH", default=str(BASE_DIR / ".data" / "chdb")))
CHDB_DATABASE = env.str("CHDB_DATABASE", default="bazaar")
EVENTS_CONSUMER_GROUP = env.str("EVENTS_CONSUMER_GROUP", default="bazaar-warehouse")

# --- Spark (spark_jobs/) ------------------------------------------------------------------
# Empty SPARK_MASTER: Spark runs inside the process that starts a job, on every core.
# On a standalone cluster (spark://host:7077) the executors import the project's modules from
# BASE_DIR (the app's image on every worker). spark-submit's --master counts when this is empty.
SPARK_MASTER = env.str("SPARK_MASTER", default="")
SPARK_EXECUTOR_MEMORY = env.str("SPARK_EXECUTOR_MEMORY", default="768m")
# The address executors reach the driver at (empty: Spark's guess, the host name).
SPARK_DRIVER_HOST = env.str("SPARK_DRIVER_HOST", default="")
# 0: no driver UI. A port: the UI and its REST API (/api/v1/applications/...) while a job runs.
SPARK_UI_PORT = env.int("SPARK_UI_PORT", default=0)
# The JDBC drivers the jobs read the shop's database with (`scripts/stack spark` fetches them).
SPARK_JARS_DIR = Path(env.str("SPARK_JARS_DIR", default=str(BASE_DIR / ".stack" / "java" / "spark" / "lib")))
SPARK_DRIVER_MEMORY = env.str("SPARK_DRIVER_MEMORY", default="1g")
# The class archive a local driver maps Spark's classes from (`manage.py spark_class_archive`, run by
# `scripts/stack spark`, makes it); empty: every driver reads them from the jars.
SPARK_CLASS_ARCHIVE = env.str("SPARK_CLASS_ARCHIVE", default=str(BASE_DIR / ".stack" / "java" / "spark" / "driver.jsa"))
SPARK_SHUFFLE_PARTITIONS = env.int("SPARK_SHUFFLE_PARTITIONS", default=4)
# Keep the session (and its JVM's memory) between runs in one process: saves Spark's start, and the
# JIT's work on its first run, on every run after the first (docs/benchmarks.md): the tests, or a
# worker whose Spark runs in its own process (SPARK_MASTER empty; on a cluster a kept session keeps
# its executors). Off, a worker gives the memory back.
SPARK_KEEP_SESSION = env.bool("SPARK_KEEP_SESSION", default=False)
# Parallel JDBC reads for the historical migration (rows split by primary key).
SPARK_JDBC_PARTITIONS = env.int("SPARK_JDBC_PARTITIONS", default=4)
# Incremental sync re-reads rows changed this long before its watermark, so rows
# committed late by a long transaction are not missed (re-reading is idempotent).
ANALYTICS_SYNC_OVERLAP_SECONDS = env.int("ANALYTICS_SYNC_OVERLAP_SECONDS", default=300)
# A pipeline run holding the lock longer than this is presumed dead and may be replaced.
ANALYTICS_LOCK_SECONDS = env.int("ANALYTICS_LOCK_SECONDS", default=3 * 3600)
# An executor streaming rows to ClickHouse over HTTP gives up when the server has taken none for this long.
ANALYTICS_WRITE_STALL_SECONDS = env.int("ANALYTICS_WRITE_STALL_SECONDS", default=300)

# --- Recommendations (recommendations/, docs/recommendations.md) -------------------------
# The recommendation jobs train on this many days of orders and events.
RECOMMENDATIONS_LOOKBACK_DAYS = env.int("RECOMMENDATIONS_LOOKBACK_DAYS", default=365)
# Two products count as bought together once they share this many orders.
RECOMMENDATIONS_MIN_PAIR_ORDERS = env.int("RECOMMENDATIONS_MIN_PAIR_ORDERS", default=3)
# How long the storefront keeps a product's or a shopper's recommendations, and Trending.
RECOMMENDATIONS_CACHE_SECONDS = env.int("RECOMMENDATIONS_CACHE_SECONDS", default=600)
TRENDING_CACHE_SECONDS = env.int("TRENDING_CACHE_SECONDS", default=30)

# --- Search -------------------------------------------------------------------------------
# Empty SEARCH_URL: search answers from the database (PostgreSQL full-text, or simple matching).
# Several nodes: their URLs separated by commas; a search that cannot reach one tries the next.
SEARCH_URL = env.str("SEARCH_URL", default="")
# Copies of each index's shard on other nodes (0 on one node; 1 on a cluster of two or more).
SEARCH_REPLICAS = env.int("SEARCH_REPLICAS", default=0)
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="bazaar")
SEARCH_TIMEOUT = env.float("SEARCH_TIMEOUT", default=2.0)
# How long the public catalogue lists share their total (shop.pagination.SharedCountPaginator); 0: count every time.
CATALOGUE_COUNT_SECONDS = env.int("CATALOGUE_COUNT_SECONDS", default=30)
SEARCH_ADMIN_TIMEOUT = env.float("SEARCH_ADMIN_TIMEOUT", default=30.0)
# The engine's answers are kept until the index changes (catalog/search/answers.py), at most this
# long. 0: ask the engine every time.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=600)

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (the Password Hashing Competition's winner, OWASP's first choice) with OWASP's
# parameters (accounts/hashers.py). The PBKDF2 hashers stay to check older passwords, which are
# re-hashed at their next login.
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "accounts.hashers.Argon2idPasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
# --- Mail -----------------------------------------------------------------------------
# EMAIL_URL names the SMTP server: smtp://user:password@host:25, smtp+tls://...:587 (STARTTLS) or
# smtp+ssl://...:465 (TLS). Empty: mail is printed on the console, where `make run` shows the links.
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = env.email_url_config(EMAIL_URL) if EMAIL_URL else {}
EMAIL_BACKEND = _email.get("EMAIL_BACKEND", "shop.mail_console.ReadableConsoleBackend")
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# Seconds an SMTP server may take before the sending task gives up (and retries later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@localhost")

# --- Internationalisation -----------------------------------------------------------
# Every page, mail, API error and command speaks each of LANGUAGES (catalogues in locale/).
# LANGUAGE_CODE is the shop's own language: its pages have no prefix (/products/), the others
# live under theirs (/ru/products/); the API stays at /api/v1 and follows Accept-Language.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en").split("-")[0].lower()
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r}: choose one of {', '.join(dict(LANGUAGES))}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 86400
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded images: a bucket when S3_ENDPOINT_URL is set, else local files (shop/object_storage.py).
STORAGES = {
    "default": storage_settings(env),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Requests larger than these answer 413 before any view reads them: uploads
# (multipart) may carry an image, every other body is JSON or a form.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
MAX_BODY_BYTES = env.int("MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_IMAGE_BYTES = env.int("MAX_IMAGE_BYTES", default=5 * 1024 * 1024)
# The memory one process may spend decoding uploaded images at once (catalog/images.py), and how
# long an upload waits for room before answering 503: parallel uploads cannot exhaust a worker.
IMAGE_DECODE_MEMORY_MB = env.int("IMAGE_DECODE_MEMORY_MB", default=400)
IMAGE_DECODE_WAIT_SECONDS = env.float("IMAGE_DECODE_WAIT_SECONDS", default=5.0)

# --- Shop -------------------------------------------------------------------------
SHOP_NAME = env.str("SHOP_NAME", default="") or "Bazaar"
# ISO 4217 code of the shop's prices (RUB, USD, EUR, ...): shown by Babel in each page's locale.
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="USD").strip().upper()
if not (len(SHOP_CURRENCY) == 3 and SHOP_CURRENCY.isascii() and SHOP_CURRENCY.isalpha()):
    raise ImproperlyConfigured(f"SHOP_CURRENCY={SHOP_CURRENCY!r}: give an ISO 4217 code such as RUB, USD or EUR.")
CART_MAX_LINE_QUANTITY = env.int("CART_MAX_LINE_QUANTITY", default=999)
# An order holds its stock this long unpaid, then is cancelled (orders.services.expire_unpaid_orders);
# a buyer may hold at most MAX_UNPAID_ORDERS unpaid orders at once.
ORDER_HOLD_MINUTES = env.int("ORDER_HOLD_MINUTES", default=60)
MAX_UNPAID_ORDERS = env.int("MAX_UNPAID_ORDERS", default=10)

# --- Throttling (accounts/throttling.py) -------------------------------------------
# Every way to log in, sign up or ask for a password reset (API, storefront, back-office) is
# limited per client address and per account, counted in the cache (Redis when REDIS_URL is set).
# TRUSTED_PROXY_COUNT: how many proxies of ours append to X-Forwarded-For in front of the app.
# TRUSTED_PROXY_NETWORKS: the addresses those proxies connect from (CIDR list); a hop is believed
# only from there, so a client that reaches the app past the proxies cannot forge its address.
# Either empty or 0 (the defaults): forwarded headers are ignored, the client is the connection's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=[])
THROTTLE_RATES = {
    "login": {
        "address": env.str("LOGIN_THROTTLE_RATE", default="10/min"),
        "account": env.str("LOGIN_ACCOUNT_THROTTLE_RATE", default="20/hour"),
    },
    "signup": {
        "address": env.str("SIGNUP_THROTTLE_RATE", default="20/hour"),
        "account": env.str("SIGNUP_ACCOUNT_THROTTLE_RATE", default="5/hour"),
    },
    "reset": {
        "address": env.str("PASSWORD_RESET_THROTTLE_RATE", default="20/hour"),
        "account": env.str("PASSWORD_RESET_ACCOUNT_THROTTLE_RATE", default="5/hour"),
    },
    # product views a guest's address may record (catalog/view_counting.py); past it the page is
    # served and the view not counted. Signed-in shoppers are counted once per product per window.
    "view": {
        "address": env.str("GUEST_VIEW_EVENT_RATE", default="120/hour"),
        "account": "1/s",  # unused: a guest has no account
    },
}
# A visitor's views of one product count once per this many seconds (Trending, the funnel).
VIEW_DEDUP_SECONDS = env.int("VIEW_DEDUP_SECONDS", default=1800)

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON bodies only (415 otherwise); the image upload declares multipart itself.
    "DEFAULT_PARSER_CLASSES": ["shop.api.parsers.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shop.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "shop.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shop.api.errors.exception_handler",
    # DRF's own client address trusts X-Forwarded-For by count alone: it is never read from there
    # (REMOTE_ADDR); a throttle takes the client's address from shop.client_address instead.
    "NUM_PROXIES": 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("ACCESS_TOKEN_EXPIRE_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("REFRESH_TOKEN_EXPIRE_DAYS", default=7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
    # One algorithm, named: a token signed any other way (or with "alg": "none") is refused.
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    # A refresh hands out a new refresh token and retires the old one; a retired or
    # logged-out refresh token is refused (the blacklist app keeps them).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
# "raise" (the test client) or a file to append mismatches to (servers tests start); empty: off.
API_CONTRACT = env.str("API_CONTRACT", default="")
API_CONTRACT_SCHEMA = env.str("API_CONTRACT_SCHEMA", default="")
SPECTACULAR_SETTINGS = {
    "TITLE": "Bazaar commerce API",
    "DESCRIPTION": (
        "Catalogue, cart, purchases, reviews and sellers for mobile and web clients.\n\n"
        "- Authentication: `POST /api/v1/auth/login` gives an `access` token (send it as "
        "`Authorization: Bearer ...`) and a `refresh` token. Operations without a security "
        "requirement need none.\n"
        "- Bodies are JSON (`Content-Type: application/json`); only the image upload is multipart.\n"
        '- Money is a decimal string with two places (`"12.50"`), in the answer\'s `currency`.\n'
        "- Every error is an `Error`: `detail` (a sentence to show), `code`, and `errors` per field. "
        "429 and 503 say in `Retry-After` how many seconds to wait.\n"
        "- Lists take `page` and `page_size` (1 to 100), or `cursor` (a `next_cursor` of an earlier "
        "answer) to go on from there while rows are being added.\n"
        "- Product, list and order reads have an `ETag`: send it in `If-None-Match` to get a 304 "
        "while nothing changed.\n"
        "- Deprecated fields and operations stay at least 180 days; their answers carry "
        "`Deprecation` and `Sunset` headers. docs/api/CHANGELOG.md lists every change."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI is served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "PREPROCESSING_HOOKS": [
        "drf_spectacular.hooks.preprocess_exclude_path_format",
        "shop.api.schema.strip_optional_slash",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.status.OrderStatus.choices",
        "PriceRangeEnum": "catalog.search.results.PRICE_RANGE_KEYS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shop.api.schema.spell_nullable_references",
    ],
}

# --- Security (production values come from the environment) --------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts only from our own origin (no inline script runs); inline styles allowed (the
# admin and charts set them); images also from the bucket's public address.
_image_origins = [
    url for url in (env.str("S3_PUBLIC_ENDPOINT_URL", default=""), env.str("S3_ENDPOINT_URL", default="")) if url
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *_image_origins],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Metrics (/metrics for Prometheus) ---------------------------------------------------
# Open to any client that sends `Authorization: Bearer <METRICS_TOKEN>`, and to these networks
# (the client's address as shop.client_address resolves it). With DEBUG on, loopback by default;
# with DEBUG off none: behind a reverse proxy on the same host every client would be loopback,
# so in production the token is the way in. Everyone else: 404.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"] if DEBUG else [])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Where the worker, relay and consumer serve their own /metrics (0.0.0.0 inside containers).
METRICS_BIND_ADDRESS = env.str("METRICS_BIND_ADDRESS", default="127.0.0.1")
# shop.metrics reads the migration gauges at scrape time; django-prometheus's own export
# would query the database while apps load, in every command.
PROMETHEUS_EXPORT_MIGRATIONS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A request for a host we do not serve (every scanner sends them) is a one-line warning, not a traceback.
    "filters": {"without_traceback": {"()": "shop.log_filters.WithoutTraceback"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "opensearch": {"level": "WARNING"},
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}
