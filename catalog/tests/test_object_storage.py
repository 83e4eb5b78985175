"""Product images in a real S3 server (S3Proxy, the same boto3 path as MinIO)."""

import io
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from PIL import Image

from catalog.models import ProductImage
from catalog.tests.test_images import gps_exif, image_bytes, post_image

pytestmark = pytest.mark.django_db


def _keys(client, bucket_name: str) -> list[str]:
    """The objects in the bucket (S3Proxy's folder backend also lists its folders, as `name/`)."""
    listed = client.list_objects_v2(Bucket=bucket_name).get("Contents", [])
    return sorted(item["Key"] for item in listed if not item["Key"].endswith("/"))


def _bucket_exists(client, bucket_name: str) -> bool:
    return any(b["Name"] == bucket_name for b in client.list_buckets()["Buckets"])


def test_the_bucket_is_created_on_first_upload(api_as, seller, product, bucket):
    client, name = bucket
    assert not _bucket_exists(client, name)

    assert post_image(api_as(seller), product, image_bytes()).status_code == 201

    assert _bucket_exists(client, name)


def test_the_bucket_command_creates_it_once(bucket):
    client, name = bucket
    first, second = StringIO(), StringIO()

    call_command("ensure_bucket", stdout=first)
    call_command("ensure_bucket", stdout=second)

    assert f"Created bucket '{name}'" in first.getvalue() and f"Found bucket '{name}'" in second.getvalue()
    assert _bucket_exists(client, name)


def test_upload_read_back_through_the_url_and_key_layout(api_as, seller, product, bucket):
    client, name = bucket

    body = post_image(api_as(seller), product, image_bytes("JPEG", size=(900, 600), exif=gps_exif())).json()

    stem = body["key"].rsplit(".", 1)[0]
    assert stem.startswith(f"products/{product.pk}/")
    assert _keys(client, name) == sorted([body["key"], f"{stem}_w320.jpg", f"{stem}_w640.jpg"])
    fetched = requests.get(body["url"], timeout=10)
    assert fetched.status_code == 200 and fetched.headers["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(fetched.content)) as served:
        assert served.size == (900, 600) and not served.getexif()
    thumbnail = requests.get(body["thumbnails"]["320"], timeout=10)
    with Image.open(io.BytesIO(thumbnail.content)) as small:
        assert small.width == 320


def test_urls_are_presigned_and_the_bucket_is_private(api_as, seller, product, bucket, settings):
    body = post_image(api_as(seller), product, image_bytes()).json()
    unsigned = body["url"].split("?", 1)[0]

    assert "X-Amz-Signature=" in body["url"]
    assert requests.get(unsigned, timeout=10).status_code == 403


def test_urls_can_be_signed_for_the_address_browsers_use(api_as, seller, product, bucket, settings):
    options = settings.STORAGES["default"]["OPTIONS"]
    public = options["endpoint_url"].replace("127.0.0.1", "localhost")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {**options, "public_endpoint_url": public}},
    }

    body = post_image(api_as(seller), product, image_bytes()).json()

    assert body["url"].startswith(public)
    assert requests.get(body["url"], timeout=10).status_code == 200


def test_deleting_an_image_and_a_product_removes_their_objects(
    api_as, seller, product, bucket, django_capture_on_commit_callbacks
):
    client, name = bucket
    api = api_as(seller)
    first = post_image(api, product, image_bytes("PNG", size=(700, 500))).json()
    post_image(api, product, image_bytes())
    assert len(_keys(client, name)) == 4

    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/v1/products/{product.pk}/images/{first['id']}")
    assert len(_keys(client, name)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/v1/products/{product.pk}")
    assert _keys(client, name) == []


@pytest.mark.parametrize("content", [b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a" + b"\0" * 20])
def test_refused_files_leave_nothing_in_the_bucket(api_as, seller, product, bucket, content):
    client, name = bucket

    assert post_image(api_as(seller), product, content, "x.jpg", "image/jpeg").status_code == 400

    assert not _bucket_exists(client, name) or _keys(client, name) == []


def test_a_failed_upload_leaves_no_row_and_no_object(api_as, seller, product, bucket, monkeypatch):
    client, name = bucket

    def broken_create(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ProductImage.objects, "create", broken_create)
    api = api_as(seller)
    api.raise_request_exception = False

    assert post_image(api, product, image_bytes("PNG", size=(700, 500))).status_code == 500
    assert not ProductImage.objects.exists()
    assert _keys(client, name) == []
