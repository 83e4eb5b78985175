"""The smaller findings of the second security review, each with the test that shows it closed."""

import io
import struct
import threading
import zlib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from catalog import images
from catalog.tests.factories import ProductFactory
from shop.errors import DomainError

pytestmark = pytest.mark.django_db


def test_risk_signing_up_again_deletes_an_account_staff_switched_on(api, client):
    api.post("/api/v1/auth/signup", {"email": "late@example.com", "password": "first-pass-phrase-9"}, format="json")
    waiting = User.objects.get(email="late@example.com")
    User.objects.filter(pk=waiting.pk).update(is_active=True)  # staff opened it in the back-office

    api.post("/api/v1/auth/signup", {"email": "late@example.com", "password": "hijack-pass-phrase-9"}, format="json")

    kept = User.objects.get(email="late@example.com")
    assert kept.pk == waiting.pk and kept.check_password("first-pass-phrase-9")
    assert "already has an account" in mail.outbox[-1].body


def test_risk_the_cart_echoes_an_off_sale_products_title_and_stock(api_as, buyer, seller):
    draft = ProductFactory(seller=seller, title="Secret Launch Gadget", stock=4242, is_active=False)

    response = api_as(buyer).post("/api/v1/cart", {"product": draft.pk, "quantity": 1}, format="json")
    unknown = api_as(buyer).post("/api/v1/cart", {"product": draft.pk + 1000, "quantity": 1}, format="json")

    assert response.status_code == 400
    assert "Secret Launch" not in response.content.decode() and "4242" not in response.content.decode()
    assert response.json()["detail"].replace(str(draft.pk), "?") == unknown.json()["detail"].replace(
        str(draft.pk + 1000), "?"
    )


def _png_bomb(width: int = 8000, height: int = 8000) -> bytes:
    """A real RGBA PNG of `width`×`height` black pixels: ~250 KB on disk, 256 MB decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 4)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_risk_a_small_png_decodes_to_hundreds_of_megabytes(api_as, seller):
    product = ProductFactory(seller=seller)
    bomb = _png_bomb()
    assert len(bomb) < 400_000

    response = api_as(seller).post(
        f"/api/v1/products/{product.pk}/image",
        {"file": SimpleUploadedFile("tiny.png", bomb, content_type="image/png")},
        format="multipart",
    )

    assert response.status_code == 400
    assert "megapixels" in response.json()["detail"]


def _photo(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_risk_parallel_decodes_have_no_memory_ceiling(settings):
    """While the process's decoding budget is taken, the next decode waits, then is refused (503)."""
    settings.IMAGE_DECODE_MEMORY_MB = 1
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.2
    holding, release = threading.Event(), threading.Event()

    def long_decode():
        with images.decode_budget.reserve(900_000):
            holding.set()
            release.wait(5)

    other = threading.Thread(target=long_decode)
    other.start()
    holding.wait(5)
    try:
        with pytest.raises(DomainError) as refused:
            images.prepare_image(_photo(300, 300))  # 300 x 300 RGB: ~675 KB while decoding
    finally:
        release.set()
        other.join()

    assert refused.value.status_code == 503
    assert images.prepare_image(_photo(300, 300)).width == 300  # room again once the other is done


def test_risk_an_image_larger_than_the_whole_ceiling_is_decoded_anyway(settings):
    settings.IMAGE_DECODE_MEMORY_MB = 1

    with pytest.raises(DomainError, match="too large to process"):
        images.prepare_image(_photo(1000, 1000))


def test_risk_a_sellers_login_address_is_published_as_the_shop_contact(api, client):
    api.post(
        "/api/v1/auth/signup",
        {"email": "owner@example.com", "password": "a-long-pass-phrase-9", "role": "seller", "shop_name": "Quiet"},
        format="json",
    )
    link = mail.outbox[-1].body.split("/signup/confirm/")[1].split("/")
    api.post("/api/v1/auth/confirm", {"uid": link[0], "token": link[1], "password": "a-long-pass-phrase-9"})

    pages = [api.get("/api/v1/sellers").content.decode(), client.get("/sellers/quiet/").content.decode()]

    assert all("owner@example.com" not in page for page in pages)


def test_risk_readiness_tells_anyone_the_hosts_and_users_of_our_services(client, monkeypatch, caplog):
    from shop import health

    def refused():
        raise ConnectionError('password authentication failed for user "shop" at db.internal.example:5432')

    monkeypatch.setattr(health, "configured_checks", lambda: {"database": refused, "cache": lambda: None})

    public = client.get("/health/ready", REMOTE_ADDR="203.0.113.9")
    operator = client.get("/health/ready")  # loopback, as Prometheus and the load balancer on the host

    assert public.status_code == 503
    assert public.json()["checks"] == {"database": "failed", "cache": "ok"}
    assert "db.internal" not in public.content.decode() and "shop" not in public.content.decode()
    assert "db.internal" in operator.content.decode()
    assert "db.internal" in caplog.text  # the operator finds the reason in the log
