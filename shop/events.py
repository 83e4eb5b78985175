"""Recording domain events. Services call `record()` inside their transaction.

Each event type has a schema version; a payload changes shape only with a new
version, so consumers can read old and new events side by side (docs/events.md).
"""

from decimal import Decimal

from shop.models import OutboxEvent

EVENT_VERSIONS: dict[str, int] = {
    "user_signed_up": 1,
    "product_viewed": 1,
    "search_performed": 1,
    "cart_item_added": 1,
    "cart_item_removed": 1,
    "order_placed": 1,
    "order_status_changed": 1,
    "review_posted": 1,
    "product_created": 1,
    "product_updated": 1,
}


def _plain(value):
    """JSON-ready: Decimals as strings (money stays exact), the rest as they are."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def record(event_type: str, *, user=None, session_key: str = "", **payload) -> OutboxEvent:
    """Append an event to the outbox, in the caller's transaction.

    `session_key` names the visitor's session by its pseudonym (shop.sessions.session_pseudonym)
    or a guest cart's id, never by the session key itself: events leave the request.
    """
    if event_type not in EVENT_VERSIONS:
        raise ValueError(f"unknown event type {event_type!r}: add it to EVENT_VERSIONS and docs/events.md")
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    return OutboxEvent.objects.create(
        type=event_type,
        version=EVENT_VERSIONS[event_type],
        user_id=user_id,
        session_key=(session_key or "")[:64],
        payload=_plain(payload),
    )
