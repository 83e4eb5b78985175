"""The secret keys the settings accept.

Whoever knows SECRET_KEY (or JWT_SIGNING_KEY) signs sessions, reset links and API tokens
for any account. A key the project once published (a default in the code, a value in
`.env.example`), an empty one or a short one is therefore as good as public, and a process
with DEBUG off refuses to start with it rather than serve with it.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Values this repository has published as defaults or examples: never acceptable in production.
PUBLISHED_KEYS = frozenset(
    {
        "dev-only-insecure-key-change-me-in-production",  # the old development key
        "collectstatic-only",
        "tests-only-6QmVd2xK9pLr4Tz8Hb1Nw7Fy3Jc5Gs0Ae-never-deployed",  # the old tests' key (pyproject.toml)
    }
)
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


def development_key(path: Path) -> str:
    """With DEBUG on and no SECRET_KEY (make run, a laptop): a random key made once for this
    machine and kept in `path` (readable by its owner only), so sessions outlive a restart and
    no two machines share a key anyone could read in this repository."""
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key
