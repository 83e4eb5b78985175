"""The message catalogues: compiled from the .po files we keep in git to the .mo files gettext reads.

The .mo files are build output, not kept in git (a binary that merges badly and goes stale
silently): `make run`, `make test`, the Docker image and the tests compile them with Babel, pure
Python, so a bare machine needs no gettext tools to run the shop. Only the catalogue checks use
GNU gettext (makemessages, msgfmt), which `scripts/stack tools` installs.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


def po_files() -> list[Path]:
    """Every catalogue of ours: the project's locale folder and any app's."""
    roots = [Path(path) for path in settings.LOCALE_PATHS]
    roots += [Path(settings.BASE_DIR) / app / "locale" for app in ("shop", "accounts", "catalog", "orders")]
    return sorted({po for root in roots if root.is_dir() for po in root.glob("*/LC_MESSAGES/*.po")})


def compile_all(*, force: bool = False) -> list[Path]:
    """Write each .po's .mo when it is missing or older than its .po; returns the ones written.
    Fuzzy entries are left out, as msgfmt leaves them out."""
    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        temporary = mo.with_suffix(".mo.tmp")
        with temporary.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        temporary.replace(mo)  # readers in other processes never see half a file
        written.append(mo)
    return written


def unfinished() -> dict[Path, list[str]]:
    """Each catalogue's entries that gettext would not use: untranslated, or fuzzy."""
    left = {}
    for po in po_files():
        with po.open("rb") as source:
            catalog = read_po(source)
        left[po] = [
            ("fuzzy: " if message.fuzzy else "") + (message.id if isinstance(message.id, str) else message.id[0])
            for message in catalog
            if message.id
            and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
        ]
    return left


# `manage.py makemessages` as the catalogue is kept (`manage.py update_catalogue` runs it): every
# language, no file positions and no line wrapping (both churn with every edit), none of the code
# that speaks to no one (tests, benchmarks, generated clients).
MAKEMESSAGES_OPTIONS = {
    "all": True,
    "no_obsolete": True,
    "no_location": True,
    "no_wrap": True,
    "ignore_patterns": [
        ".venv/*",
        "bench/*",
        "clients/*",
        "*/tests/*",
        "staticfiles/*",
        "conftest.py",
        "media/*",
        "node_modules/*",
    ],
}
