"""Conditional reads: a mobile app revalidates what it has cached, and an unchanged answer costs no body.

A read through `ConditionalReads` carries a strong `ETag`, the hash of what it answers. A client that
sends it back in `If-None-Match` gets `304 Not Modified` with no body while the answer is the same.
`Cache-Control: private, no-cache` lets the app keep the copy but makes it ask again each time, and
`Vary: Authorization` keeps one person's copy from answering another's request.

The tag is computed from the rendered body: correct whatever changed (a price, a review, an image),
at the cost of building the answer. `etag_for` is the one place that decides a tag, so a cheaper
validator (a version read before the query) can replace it here.

Presigned image URLs change every second (their signature carries the time), which would change
the tag of every product with an image in a bucket. The tag therefore ignores the signature's
query string and counts, instead, the half of the URLs' lifetime it falls in: a copy revalidated
with 304 keeps URLs that are still valid for at least half their lifetime.
"""

import hashlib
import re
import time

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

# The query string of a presigned S3 URL: everything from its first X-Amz- parameter to the closing quote.
_PRESIGNED_QUERY = re.compile(rb"\?X-Amz-[^\"]*|&X-Amz-[^\"&]*")


def etag_for(body: bytes) -> str:
    digest = hashlib.sha256()
    if b"X-Amz-" in body:
        body = _PRESIGNED_QUERY.sub(b"", body)
        digest.update(str(_signing_window()).encode())
    digest.update(body)
    return f'"{digest.hexdigest()[:32]}"'


def _signing_window() -> int:
    lifetime = settings.STORAGES["default"].get("OPTIONS", {}).get("querystring_expire", 3600)
    return int(time.time() // max(lifetime // 2, 1))


class ConditionalReads:
    """A DRF view mixin: successful GETs answer with an ETag, and 304 when If-None-Match names it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = etag_for(response.content)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization"])
        return get_conditional_response(request, etag=etag, response=response)


def document(view, method: str, operation: dict) -> None:
    """The schema side: the If-None-Match parameter, the ETag header and the 304 answer."""
    if not isinstance(view, ConditionalReads) or method != "GET":
        return
    etag = {"ETag": {"description": "The answer's version.", "required": True, "schema": {"type": "string"}}}
    operation.setdefault("parameters", []).append(
        {
            "in": "header",
            "name": "If-None-Match",
            "required": False,
            "description": "The ETag of the copy you have: an unchanged answer is a 304 with no body.",
            "schema": {"type": "string"},
        }
    )
    operation["responses"]["200"].setdefault("headers", {}).update(etag)
    operation["responses"]["304"] = {"description": "Not modified: the copy you have is current.", "headers": etag}
