"""The secret keys the settings accept.

Whoever knows SECRET_KEY (or JWT_SIGNING_KEY) signs sessions, reset links and API tokens
for any account. A key the project once published (a default in the code, a value in
`.env.example`), an empty one or a short one is therefore as good as public, and a process
with DEBUG off refuses to start with it rather than serve with it.
"""

from django.core.exceptions import ImproperlyConfigured

# Values this repository has published as defaults or examples: never acceptable in production.
PUBLISHED_KEYS = frozenset({"dev-only-insecure-key-change-me-in-production", "collectstatic-only"})
# Used only with DEBUG on, when SECRET_KEY is unset (make run, a laptop).
DEVELOPMENT_KEY = "dev-only-insecure-key-change-me-in-production"
MIN_LENGTH = 50  # Django's own `check --deploy` asks for 50 characters and 5 distinct ones
MIN_DISTINCT = 5
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def weakness(key: str) -> str:
    """Why `key` is unfit to sign anything in production, or "" when it is fit."""
    if not key:
        return "is empty"
    if key in PUBLISHED_KEYS:
        return "is a value this project has published"
    if key.startswith("django-insecure-"):
        return "is one of Django's development keys (django-insecure-...)"
    if len(key) < MIN_LENGTH:
        return f"is {len(key)} characters long (at least {MIN_LENGTH} are needed)"
    if len(set(key)) < MIN_DISTINCT:
        return f"has fewer than {MIN_DISTINCT} distinct characters"
    return ""


def require_strong(name: str, key: str) -> str:
    """`key`, or ImproperlyConfigured saying what is wrong with it and how to make a good one."""
    problem = weakness(key)
    if problem:
        raise ImproperlyConfigured(
            f"{name} {problem}, and DEBUG is off: anyone who knows it can sign sessions and API tokens. "
            f"Set {name} in the environment to a long random string, for example the output of\n"
            f"    {HOW_TO_MAKE_ONE}\n"
            f"(or set DEBUG=true for development on your own machine)."
        )
    return key
