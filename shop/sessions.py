"""The visitor's session, as events name it: a pseudonym, never the session key itself.

A session key authenticates: whoever holds it is logged in as its owner (staff included). Events
travel to Kafka, ClickHouse and their backups, read by more people than the web servers, so they
carry a keyed hash of the key instead: stable for the session (the funnel joins a visit's views,
carts and orders), impossible to turn back into the key, and useless to anyone without SECRET_KEY.
"""

from django.utils.crypto import salted_hmac

PSEUDONYM_SALT = "shop.sessions.session_pseudonym"


def pseudonym(session_key: str) -> str:
    """32 hex characters derived from `session_key` with SECRET_KEY; "" for no session."""
    if not session_key:
        return ""
    return salted_hmac(PSEUDONYM_SALT, session_key, algorithm="sha256").hexdigest()[:32]


def session_pseudonym(request) -> str:
    session = getattr(request, "session", None)
    return pseudonym(session.session_key or "") if session is not None else ""
