"""Checking uploaded image bytes before they are stored.

The bytes decide, not the file name or the client's content type: Pillow must
recognise the file as one of the formats we serve, and its size must stay within
limits that keep a decompression bomb out.
"""

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from shop.errors import DomainError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS_PER_SIDE = 8000


def check_image(upload) -> str:
    """Return the extension that matches the image's real format, or refuse it."""
    if upload.size > settings.MAX_IMAGE_BYTES:
        raise DomainError(
            f"The image is {upload.size} bytes; the limit is {settings.MAX_IMAGE_BYTES} bytes.", field="file"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width > MAX_PIXELS_PER_SIDE or height > MAX_PIXELS_PER_SIDE:
                raise DomainError(
                    f"The image is {width}×{height} px; at most {MAX_PIXELS_PER_SIDE}×{MAX_PIXELS_PER_SIDE} px.",
                    field="file",
                )
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError("The file is not a JPEG, PNG or WebP image.", field="file") from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise DomainError(f"{image_format} images are not accepted; upload JPEG, PNG or WebP.", field="file")
    return ALLOWED_FORMATS[image_format]
