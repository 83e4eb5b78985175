"""The app runs on its runtime requirements alone.

The image and `make run` install requirements/base.txt; the tests run with requirements/dev.txt
on top. A module the app loads (a middleware, an app, a URL's view) that imports a development
package at its top works in every test and fails the first production start. This starts the app
in a process where every package that only the development requirements bring cannot be imported.
"""

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STARTS_THE_APP = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))

class RefuseDevelopmentPackages(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is a development requirement", name=name)
        return None

sys.meta_path.insert(0, RefuseDevelopmentPackages())
import django
from django.conf import settings
django.setup()
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.urls import get_resolver
application = get_wsgi_application()
get_resolver().url_patterns  # every URL module and the views it imports
answer = Client().get("/health/live")
assert answer.status_code == 200, answer.status_code
print("started")
"""


def _names(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=\[;~! ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def _needed_by(roots: set[str]) -> set[str]:
    """The distributions `roots` need, transitively (as installed here)."""
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            if "extra ==" not in requirement:
                todo.append(re.split(r"[<>=\[;~! (]", requirement, maxsplit=1)[0].lower().replace("_", "-"))
    return seen


def _development_only_modules() -> set[str]:
    runtime = _needed_by(_names(ROOT / "requirements" / "base.txt"))
    development = _needed_by(_names(ROOT / "requirements" / "dev.txt")) - runtime
    modules = set()
    for module, distributions in metadata.packages_distributions().items():
        if {d.lower().replace("_", "-") for d in distributions} <= development:
            modules.add(module)
    return modules


def test_the_app_starts_without_the_development_requirements():
    blocked = _development_only_modules()
    assert "openapi_schema_validator" in blocked and "django" not in blocked  # the list is what it claims

    started = subprocess.run(
        [sys.executable, "-c", STARTS_THE_APP, ",".join(sorted(blocked))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"},
    )

    assert started.returncode == 0 and "started" in started.stdout, started.stderr[-3000:]
