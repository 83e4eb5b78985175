"""Puts the cart's item count in every page's header."""

from cart import selectors, services


def cart_summary(request) -> dict:
    if not (hasattr(request, "session") and hasattr(request, "user")) or request.path.startswith(("/api/", "/admin/")):
        return {}
    return {"cart_count": lambda: selectors.item_count(services.cart_for_request(request, create=False))}
