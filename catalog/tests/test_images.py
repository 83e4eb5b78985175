"""Product image upload: only real JPEG, PNG or WebP bytes from the product's seller or staff."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import ProductImage

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG", size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_the_seller_uploads_an_image_stored_under_the_product(api_as, seller, product, fmt, extension):
    response = api_as(seller).post(
        f"/api/v1/products/{product.pk}/image", {"file": upload("photo.bin", image_bytes(fmt))}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["key"].startswith(f"products/{product.pk}/") and body["key"].endswith(f".{extension}")
    assert body["url"].startswith("http://testserver/media/products/")
    assert ProductImage.objects.get(pk=body["id"]).image.read() == image_bytes(fmt)


def test_the_image_shows_up_on_the_product(api, api_as, seller, product):
    api_as(seller).post(
        f"/api/v1/products/{product.pk}/image", {"file": upload("a.png", image_bytes())}, format="multipart"
    )

    images = api.get(f"/api/v1/products/{product.pk}").json()["images"]

    assert len(images) == 1 and images[0]["url"]


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<html>hi</html>",
        b"GIF89a" + b"\0" * 20,
    ],
)
def test_files_that_are_not_images_are_refused(api_as, seller, product, content):
    response = api_as(seller).post(
        f"/api/v1/products/{product.pk}/image", {"file": upload("evil.jpg", content, "image/jpeg")}, format="multipart"
    )

    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.json()["detail"]
    assert not ProductImage.objects.exists()


def test_a_gif_is_refused_even_though_it_is_an_image(api_as, seller, product):
    response = api_as(seller).post(
        f"/api/v1/products/{product.pk}/image", {"file": upload("a.gif", image_bytes("GIF"))}, format="multipart"
    )

    assert response.status_code == 400
    assert not ProductImage.objects.exists()


def test_another_seller_cannot_upload(api_as, other_seller, product):
    response = api_as(other_seller).post(
        f"/api/v1/products/{product.pk}/image", {"file": upload("a.png", image_bytes())}, format="multipart"
    )

    assert response.status_code == 403
    assert not ProductImage.objects.exists()


def test_an_upload_without_a_file_answers_400(api_as, seller, product):
    response = api_as(seller).post(f"/api/v1/products/{product.pk}/image", {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]
