"""Finding: the public default SECRET_KEY was accepted in production, so anyone could sign tokens.

With DEBUG off, the settings refuse a key that is empty, short, or one the project has published
(the old default, the value .env.example carried); the message says how to make one. JWTs can be
signed with a key of their own (JWT_SIGNING_KEY), which defaults to SECRET_KEY.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG = "Zq3" + "v8KpL2mX9rT4wB7nC1sD6fG0hJ5yU" * 2
PUBLISHED = "dev-only-insecure-key-change-me-in-production"
PRINT_KEYS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.SIMPLE_JWT['SIGNING_KEY'])"
)


def _start(**overrides: str) -> subprocess.CompletedProcess:
    """Load the real settings in a fresh process, as gunicorn, Celery and manage.py do."""
    dropped = ("SECRET_KEY", "JWT_SIGNING_KEY", "SECRET_KEY_PER_RUN")  # the tests' own key: as in production
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false", **overrides})
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEYS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "key",
    [None, "", "short-key", PUBLISHED, "django-insecure-" + "x7Qp9vLm2Rt8Zb4Nc6Hs1Jd5Fg0Ky3Wa" * 2, "a" * 60],
    ids=["unset", "empty", "short", "the-published-default", "django-insecure-prefix", "one-character"],
)
def test_risk_public_default_secret_key_is_refused_in_production(key):
    started = _start(**({} if key is None else {"SECRET_KEY": key}))

    assert started.returncode != 0, started.stdout
    assert "SECRET_KEY" in started.stderr
    assert "secrets.token_urlsafe" in started.stderr  # says how to make one


def test_a_long_random_secret_key_starts_and_signs_tokens_by_default():
    started = _start(SECRET_KEY=STRONG)

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [STRONG, STRONG]


def test_jwt_signing_key_is_its_own_and_is_held_to_the_same_rule():
    other = STRONG[::-1]
    own = _start(SECRET_KEY=STRONG, JWT_SIGNING_KEY=other)
    weak = _start(SECRET_KEY=STRONG, JWT_SIGNING_KEY="too-short")

    assert own.returncode == 0, own.stderr
    assert own.stdout.split() == [STRONG, other]
    assert weak.returncode != 0 and "JWT_SIGNING_KEY" in weak.stderr


def test_development_with_debug_on_needs_no_key():
    started = _start(DEBUG="true")

    assert started.returncode == 0, started.stderr


def test_the_key_env_example_carries_cannot_start_production():
    """`cp .env.example .env` must not give a deployment a working key."""
    from config.keys import weakness

    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(("SECRET_KEY=", "JWT_SIGNING_KEY=")):
            assert weakness(line.split("=", 1)[1].strip()), line


def test_risk_the_tests_published_key_is_accepted_in_production():
    """pyproject.toml carried a key for the tests; it is in the repository, so production refuses it."""
    started = _start(SECRET_KEY="tests-only-6QmVd2xK9pLr4Tz8Hb1Nw7Fy3Jc5Gs0Ae-never-deployed")

    assert started.returncode != 0 and "SECRET_KEY" in started.stderr, started.stdout
    assert "tests-only" not in (ROOT / "pyproject.toml").read_text()


def test_risk_the_development_key_is_a_constant_anyone_can_read(tmp_path):
    """With DEBUG on and no key, each machine makes its own, once, readable by its owner only."""
    from config.keys import PUBLISHED_KEYS

    kept = tmp_path / "development-key"
    first = _start(DEBUG="true", DEVELOPMENT_KEY_FILE=str(kept))
    again = _start(DEBUG="true", DEVELOPMENT_KEY_FILE=str(kept))
    elsewhere = _start(DEBUG="true", DEVELOPMENT_KEY_FILE=str(tmp_path / "another-machine"))

    key = first.stdout.split()[0]
    assert first.returncode == 0, first.stderr
    assert key not in PUBLISHED_KEYS and len(key) >= 50
    assert again.stdout.split()[0] == key  # sessions outlive a restart
    assert elsewhere.stdout.split()[0] != key
    assert kept.stat().st_mode & 0o777 == 0o600
