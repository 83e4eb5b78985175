"""Checking and preparing uploaded product images before they are stored.

The bytes decide, not the file name or the client's content type: Pillow must
recognise the file as one of the formats we serve, and its size must stay within
limits that keep a decompression bomb out (checked from the header, before any
pixel is decoded). The stored copy is re-encoded: EXIF (camera, GPS position) and
other metadata do not survive, and the orientation the camera recorded is applied
to the pixels first so the photo still stands the right way up.
"""

import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shop.errors import DomainError

ALLOWED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MAX_PIXELS_PER_SIDE = 8000
# A side may be 8000 px, but not both: an 8000 x 8000 PNG of 100 KB decodes to 256 MB (RGBA).
# 24 megapixels is a full-size photo from a current camera or phone.
MAX_MEGAPIXELS = 24
THUMBNAIL_WIDTHS = (320, 640)
# Decoding holds the pixels about twice (the decoded image, its upright copy) plus a thumbnail.
DECODE_COPIES = 2.5

# Pillow's own guard, in case anything opens an image outside this module.
Image.MAX_IMAGE_PIXELS = MAX_MEGAPIXELS * 1_000_000

NOT_AN_IMAGE = _("The file is not a JPEG, PNG or WebP image.")


@dataclass(frozen=True)
class PreparedImage:
    extension: str
    content_type: str
    data: bytes
    width: int
    height: int
    thumbnails: dict[int, bytes] = field(default_factory=dict)


def decoded_bytes(image: Image.Image) -> int:
    """What decoding this image costs in memory, from its header alone."""
    bands = len(image.getbands())
    depth = 2 if image.mode in ("I;16", "I;16B", "I;16L") else (4 if image.mode in ("I", "F") else 1)
    return int(image.width * image.height * max(bands, 1) * depth * DECODE_COPIES)


class DecodeBudget:
    """A ceiling on the memory this process spends decoding images at once.

    Each decode reserves what its header says it will cost; past the ceiling, the next upload
    waits for a running one to finish (a few seconds at most), then is refused with a 503 to
    retry, instead of every worker decoding at once until the machine runs out of memory.
    """

    def __init__(self) -> None:
        self._in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, cost: int):
        ceiling = settings.IMAGE_DECODE_MEMORY_MB * 1024 * 1024
        if cost > ceiling:
            raise DomainError(str(_("The image is too large to process; upload a smaller one.")), field="file")
        with self._changed:
            if not self._changed.wait_for(lambda: self._in_use + cost <= ceiling, settings.IMAGE_DECODE_WAIT_SECONDS):
                raise ImagesBusy(
                    str(_("Too many images are being processed right now; try again in a moment.")), field="file"
                )
            self._in_use += cost
        try:
            yield
        finally:
            with self._changed:
                self._in_use -= cost
                self._changed.notify_all()


class ImagesBusy(DomainError):
    status_code = 503
    code = "busy"


decode_budget = DecodeBudget()


def check_image(upload) -> str:
    """Refuse what is not an acceptable image; return the extension of its real format."""
    if upload.size > settings.MAX_IMAGE_BYTES:
        raise DomainError(
            str(_("The image is %(size)d bytes; the limit is %(limit)d bytes (5 MB)."))
            % {"size": upload.size, "limit": settings.MAX_IMAGE_BYTES},
            field="file",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width > MAX_PIXELS_PER_SIDE or height > MAX_PIXELS_PER_SIDE:
                raise DomainError(
                    str(_("The image is %(width)d×%(height)d px; at most %(most)d×%(most)d px."))
                    % {"width": width, "height": height, "most": MAX_PIXELS_PER_SIDE},
                    field="file",
                )
            if width * height > MAX_MEGAPIXELS * 1_000_000:
                raise DomainError(
                    str(
                        _(
                            "The image is %(width)d×%(height)d px (%(megapixels).1f megapixels); at most %(most)d megapixels."  # noqa: E501
                        )
                    )
                    % {"width": width, "height": height, "megapixels": width * height / 1e6, "most": MAX_MEGAPIXELS},
                    field="file",
                )
            if image_format not in ALLOWED_FORMATS:
                raise DomainError(
                    str(_("%(format)s images are not accepted; upload JPEG, PNG or WebP.")) % {"format": image_format},
                    field="file",
                )
            image.verify()
    except DomainError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard: twice our limit, refused on opening
        raise DomainError(
            str(_("The image has more than %(most)d megapixels; upload a smaller one.")) % {"most": MAX_MEGAPIXELS},
            field="file",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(str(NOT_AN_IMAGE), field="file") from exc
    finally:
        upload.seek(0)
    return ALLOWED_FORMATS[image_format][0]


def prepare_image(upload) -> PreparedImage:
    """Check the upload, then re-encode it without metadata and make its thumbnails."""
    check_image(upload)
    with Image.open(upload) as header:
        cost = decoded_bytes(header)
    upload.seek(0)
    with decode_budget.reserve(cost):
        return _decode_and_encode(upload)


def _decode_and_encode(upload) -> PreparedImage:
    try:
        with Image.open(upload) as source:
            image_format = source.format
            image = ImageOps.exif_transpose(source)
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(str(NOT_AN_IMAGE), field="file") from exc
    finally:
        upload.seek(0)
    extension, content_type = ALLOWED_FORMATS[image_format]
    thumbnails = {}
    for width in THUMBNAIL_WIDTHS:
        if image.width > width:
            thumbnail = image.copy()
            thumbnail.thumbnail((width, MAX_PIXELS_PER_SIDE), Image.Resampling.LANCZOS)
            thumbnails[width] = _encode(thumbnail, image_format)
    return PreparedImage(
        extension=extension,
        content_type=content_type,
        data=_encode(image, image_format),
        width=image.width,
        height=image.height,
        thumbnails=thumbnails,
    )


def _encode(image: Image.Image, image_format: str) -> bytes:
    """Pixels only: no EXIF, XMP or comments are passed to the encoder."""
    buffer = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    elif image_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=85, method=4)
    return buffer.getvalue()
