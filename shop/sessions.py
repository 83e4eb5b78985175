"""The visitor's session key, for events of shoppers who have not logged in."""


def session_key(request) -> str:
    session = getattr(request, "session", None)
    return (session.session_key or "") if session is not None else ""
