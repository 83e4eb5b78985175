"""The client's address, as far as the proxies we run vouch for it.

Every request header is the client's to write. `X-Forwarded-For` means something only when a
proxy of ours appended to it, and then only the entries our proxies appended: a client that
sends its own list gets its entries kept on the left, where we never read. So the address is
REMOTE_ADDR when no proxy is trusted (TRUSTED_PROXY_COUNT=0, the default), and otherwise the
entry that the outermost trusted proxy appended, counted from the right. `X-Real-IP` and
`Forwarded` are never read: none of our proxies is configured to set them.
"""

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not chain:
        return remote
    return chain[-min(hops, len(chain))]
