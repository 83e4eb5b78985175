"""The client's address, as far as the proxies we run vouch for it.

Every request header is the client's to write. `X-Forwarded-For` means something only when a
proxy of ours appended to it, and then only the entries our proxies appended: a client that
sends its own list gets its entries kept on the left, where we never read. Knowing how many
proxies stand in front (TRUSTED_PROXY_COUNT) is not enough: a client that reaches the app past
them (a published port, a second route) would have its own header read as a proxy's. So each
hop is believed only when the connection it came over is from TRUSTED_PROXY_NETWORKS: walking
from REMOTE_ADDR leftwards through the header, at most TRUSTED_PROXY_COUNT steps, the client is
the first address not in those networks. With either setting empty (the default) forwarded
headers are ignored and the client is REMOTE_ADDR. `X-Real-IP` and `Forwarded` are never read:
none of our proxies is configured to set them.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network.strip(), strict=False) for network in configured if network.strip())


def is_trusted_proxy(address: str) -> bool:
    """Whether a connection from `address` comes from one of our proxies."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXY_NETWORKS)))


def client_address(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    for _step in range(max(settings.TRUSTED_PROXY_COUNT, 0)):
        if not chain or not is_trusted_proxy(address):
            break
        address = chain.pop()
    return address


@checks.register(checks.Tags.security)
def check_proxy_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A proxy count without the proxies' networks trusts nobody: every client behind the load
    balancer then shares its address, and one attacker's failed logins lock everyone out."""
    if settings.TRUSTED_PROXY_COUNT > 0 and not settings.TRUSTED_PROXY_NETWORKS:
        return [
            checks.Warning(
                "TRUSTED_PROXY_COUNT is set but TRUSTED_PROXY_NETWORKS is empty: X-Forwarded-For is ignored.",
                hint=_("Set TRUSTED_PROXY_NETWORKS to the addresses your proxies connect from (e.g. 10.0.0.5/32)."),
                id="shop.W001",
            )
        ]
    return []
