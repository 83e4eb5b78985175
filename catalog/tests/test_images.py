"""Product images: only real JPEG, PNG or WebP bytes, from the product's seller or staff,
stored without metadata, with thumbnails (local storage here; test_object_storage.py runs
the same path against the S3 server)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.images import MAX_PIXELS_PER_SIDE
from catalog.models import ProductImage

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG", size=(32, 24), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    options = {"exif": exif} if exif else {}
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS info: latitude
    return exif.tobytes()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_image(client, product, content: bytes, name: str = "photo.bin", content_type: str = "image/png"):
    return client.post(
        f"/api/v1/products/{product.pk}/image", {"file": upload(name, content, content_type)}, format="multipart"
    )


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_the_seller_uploads_an_image_stored_under_the_product(api_as, seller, product, fmt, extension):
    response = post_image(api_as(seller), product, image_bytes(fmt))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["key"].startswith(f"products/{product.pk}/") and body["key"].endswith(f".{extension}")
    assert body["url"].startswith("http://testserver/media/products/")
    assert (body["width"], body["height"], body["is_primary"]) == (32, 24, True)
    with Image.open(default_storage.open(body["key"])) as stored:
        assert (stored.format, stored.size) == (fmt, (32, 24))


def test_metadata_is_stripped_from_the_stored_copy(api_as, seller, product):
    original = image_bytes("JPEG", exif=gps_exif())
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif()  # the upload does carry EXIF with a GPS position

    key = post_image(api_as(seller), product, original, "holiday.jpg", "image/jpeg").json()["key"]

    with Image.open(default_storage.open(key)) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_thumbnails_are_made_once_beside_the_original(api_as, seller, product):
    body = post_image(api_as(seller), product, image_bytes("JPEG", size=(1200, 800))).json()

    assert set(body["thumbnails"]) == {"320", "640"}
    image = ProductImage.objects.get(pk=body["id"])
    stem = body["key"].rsplit(".", 1)[0]
    assert image.thumbnails == {"320": f"{stem}_w320.jpg", "640": f"{stem}_w640.jpg"}
    for width, key in image.thumbnails.items():
        with Image.open(default_storage.open(key)) as thumbnail:
            assert thumbnail.width == int(width)
            assert abs(thumbnail.height - int(width) * 2 / 3) <= 1


def test_a_small_image_needs_no_thumbnail(api_as, seller, product):
    assert post_image(api_as(seller), product, image_bytes()).json()["thumbnails"] == {}


def test_the_image_shows_up_on_the_product_and_its_card(api, client, api_as, seller, product):
    post_image(api_as(seller), product, image_bytes("PNG", size=(800, 600)))

    images = api.get(f"/api/v1/products/{product.pk}").json()["images"]
    card_page = client.get("/products/").content.decode()

    assert len(images) == 1 and images[0]["url"]
    assert images[0]["thumbnails"]["320"].split("testserver")[1] in card_page


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<html><script>alert(1)</script></html>",
        b"#!/bin/sh\necho pwned\n",
        b"GIF89a" + b"\0" * 20,
        b"\xff\xd8\xff\xe0" + b"\0" * 40,  # a JPEG header with nothing behind it
    ],
)
def test_files_that_are_not_images_are_refused(api_as, seller, product, content):
    response = post_image(api_as(seller), product, content, "evil.jpg", "image/jpeg")

    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.json()["detail"]
    assert not ProductImage.objects.exists()


def test_a_gif_is_refused_even_though_it_is_an_image(api_as, seller, product):
    response = post_image(api_as(seller), product, image_bytes("GIF"), "a.gif")

    assert response.status_code == 400
    assert "GIF images are not accepted" in response.json()["detail"]
    assert not ProductImage.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(api_as, seller, product):
    side = MAX_PIXELS_PER_SIDE + 1
    bomb = io.BytesIO()
    Image.new("1", (side, side)).save(bomb, format="PNG")  # tiny on disk, 64 M pixels decoded

    response = post_image(api_as(seller), product, bomb.getvalue())  # Pillow refuses it from the header

    assert response.status_code == 400
    assert "megapixels" in response.json()["detail"]


def test_an_image_over_5_mb_is_refused(api_as, seller, product, settings):
    settings.MAX_IMAGE_BYTES = 1000

    response = post_image(api_as(seller), product, image_bytes(size=(400, 400)))

    assert response.status_code == 400
    assert "limit is 1000 bytes" in response.json()["detail"]


def test_another_seller_cannot_upload(api_as, other_seller, product):
    response = post_image(api_as(other_seller), product, image_bytes())

    assert response.status_code == 403
    assert not ProductImage.objects.exists()


def test_an_upload_without_a_file_answers_400(api_as, seller, product):
    response = api_as(seller).post(f"/api/v1/products/{product.pk}/image", {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_the_first_image_is_primary_and_another_can_take_over(api_as, seller, product):
    client = api_as(seller)
    first = post_image(client, product, image_bytes()).json()
    second = post_image(client, product, image_bytes()).json()

    response = client.patch(f"/api/v1/products/{product.pk}/images/{second['id']}", {"is_primary": True})

    assert (first["is_primary"], second["is_primary"]) == (True, False)
    assert response.status_code == 200 and response.json()["is_primary"] is True
    assert list(ProductImage.objects.filter(is_primary=True).values_list("pk", flat=True)) == [second["id"]]
    assert [image["id"] for image in client.get(f"/api/v1/products/{product.pk}").json()["images"]] == [
        second["id"],
        first["id"],
    ]


def test_deleting_an_image_removes_its_files_and_promotes_the_next(
    api_as, seller, product, django_capture_on_commit_callbacks
):
    client = api_as(seller)
    first = post_image(client, product, image_bytes("PNG", size=(700, 500))).json()
    second = post_image(client, product, image_bytes()).json()
    keys = ProductImage.objects.get(pk=first["id"]).keys

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/products/{product.pk}/images/{first['id']}")

    assert response.status_code == 204
    assert len(keys) == 3 and not any(default_storage.exists(key) for key in keys)
    assert ProductImage.objects.get().pk == second["id"] and ProductImage.objects.get().is_primary


def test_deleting_the_product_removes_every_file(api_as, seller, product, django_capture_on_commit_callbacks):
    client = api_as(seller)
    post_image(client, product, image_bytes("PNG", size=(700, 500)))
    keys = [key for image in ProductImage.objects.all() for key in image.keys]

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/products/{product.pk}").status_code == 204

    assert keys and not any(default_storage.exists(key) for key in keys)


def test_another_seller_cannot_change_or_delete_an_image(api_as, seller, other_seller, product):
    image_id = post_image(api_as(seller), product, image_bytes()).json()["id"]
    intruder = api_as(other_seller)

    assert intruder.patch(f"/api/v1/products/{product.pk}/images/{image_id}", {"alt_text": "x"}).status_code == 403
    assert intruder.delete(f"/api/v1/products/{product.pk}/images/{image_id}").status_code == 403
    assert ProductImage.objects.filter(pk=image_id, alt_text="").exists()


def test_a_failed_upload_leaves_no_row_and_no_file(api_as, seller, product, monkeypatch):
    stored_before = set(_all_files())

    def broken_create(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ProductImage.objects, "create", broken_create)
    client = api_as(seller)
    client.raise_request_exception = False

    response = post_image(client, product, image_bytes("PNG", size=(700, 500)))

    assert response.status_code == 500
    assert not ProductImage.objects.exists()
    assert set(_all_files()) == stored_before


def _all_files() -> list[str]:
    try:
        folders, files = default_storage.listdir("products")
    except FileNotFoundError:
        return []
    found = list(files)
    for folder in folders:
        found += [f"{folder}/{name}" for name in default_storage.listdir(f"products/{folder}")[1]]
    return found


def test_the_seller_manages_images_from_the_product_page(client, seller, product, django_capture_on_commit_callbacks):
    client.force_login(seller)
    client.post(
        f"/seller/products/{product.pk}/images/",
        {"file": upload("a.png", image_bytes()), "alt_text": "front"},
    )
    client.post(f"/seller/products/{product.pk}/images/", {"file": upload("b.png", image_bytes())})
    first, second = ProductImage.objects.order_by("id")

    page = client.get(f"/seller/products/{product.pk}/edit/").content.decode()
    client.post(f"/seller/products/{product.pk}/images/{second.pk}/primary/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/seller/products/{product.pk}/images/{first.pk}/delete/")

    assert "Make primary" in page and first.alt_text == "front"
    assert list(ProductImage.objects.values_list("pk", "is_primary")) == [(second.pk, True)]
    assert not default_storage.exists(first.image.name)


def test_a_bad_file_on_the_product_page_says_why(client, seller, product):
    client.force_login(seller)

    response = client.post(
        f"/seller/products/{product.pk}/images/", {"file": upload("x.png", b"not an image")}, follow=True
    )

    assert "Upload a valid image" in response.content.decode()
    assert not ProductImage.objects.exists()
