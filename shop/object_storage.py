"""Where uploaded files live: a bucket in S3-compatible storage, or local files.

One setting decides: S3_ENDPOINT_URL (MinIO in docker-compose, S3Proxy in tests
and `make stack`). Empty: Django's FileSystemStorage under MEDIA_ROOT.

Image URLs are presigned GET URLs, valid for S3_URL_EXPIRY seconds. That works
identically on MinIO and S3Proxy and needs no bucket policy (S3Proxy implements
none); the bucket stays private. When browsers reach the storage under another
address than the app does (docker-compose: `minio:9000` inside, `localhost:9000`
outside), S3_PUBLIC_ENDPOINT_URL signs the URLs for that address.
"""

import threading

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Recent botocore adds flexible checksums (aws-chunked uploads) by default; S3Proxy
# and older MinIO refuse them. Checksums only where the operation requires them.
CLIENT_CONFIG = Config(
    signature_version="s3v4",
    s3={"addressing_style": "path"},
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=5,
    read_timeout=30,
)

_checked_buckets: set[tuple[str, str]] = set()
_lock = threading.Lock()


class BucketStorage(S3Storage):
    """S3 storage that creates its bucket on first write, and signs URLs for the public address."""

    def __init__(self, *, public_endpoint_url: str = "", **settings):
        self.public_endpoint_url = public_endpoint_url
        super().__init__(**settings)

    def ensure_bucket(self) -> bool:
        """Create the bucket if it is missing. Returns True when it was created."""
        marker = (self.endpoint_url or "", self.bucket_name)
        if marker in _checked_buckets:
            return False
        with _lock:
            client = self.connection.meta.client
            created = False
            try:
                client.head_bucket(Bucket=self.bucket_name)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                    raise
                client.create_bucket(Bucket=self.bucket_name)
                created = True
            _checked_buckets.add(marker)
            return created

    def _save(self, name, content):
        self.ensure_bucket()
        return super()._save(name, content)

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url:
            return super().url(name, parameters, expire, http_method)
        key = self._normalize_name(clean_name(name))
        return self._public_client().generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket_name, "Key": key, **(parameters or {})},
            ExpiresIn=expire or self.querystring_expire,
        )

    def _public_client(self):
        if not hasattr(self, "_public"):
            self._public = boto3.session.Session().client(
                "s3",
                endpoint_url=self.public_endpoint_url,
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
                region_name=self.region_name,
                config=CLIENT_CONFIG,
            )
        return self._public


def storage_settings(env) -> dict:
    """The STORAGES["default"] entry for the environment (see .env.example)."""
    endpoint = env.str("S3_ENDPOINT_URL", default="")
    if not endpoint:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "shop.object_storage.BucketStorage",
        "OPTIONS": {
            "endpoint_url": endpoint,
            "public_endpoint_url": env.str("S3_PUBLIC_ENDPOINT_URL", default=""),
            "access_key": env.str("S3_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=""),
            "bucket_name": env.str("S3_BUCKET", default="") or "product-images",
            "region_name": env.str("S3_REGION", default="us-east-1"),
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRY", default=3600),
            "file_overwrite": False,
            "default_acl": None,
            "client_config": CLIENT_CONFIG,
        },
    }
