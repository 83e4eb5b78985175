"""The schema's history: the released contract in docs/api/openapi.json, and what may change it.

The committed schema is what clients generated their SDKs from. Before it is replaced by the
schema this code serves (`make schema`, i.e. `manage.py api_schema --write`), oasdiff lists the
breaking changes between the two (removed or renamed fields and operations, narrowed types, new
required inputs). Each one must be acknowledged in docs/api/CHANGELOG.md, under "Unreleased", by
a line naming the operation and oasdiff's words for the change:

    - GET /api/v1/products: removed the required property `results/items/seller_name` from the response ...

`manage.py api_schema --check` (run by the test suite) fails while a breaking change is not
acknowledged, and while the committed schema differs from the served one at all.
"""

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
COMMITTED = ROOT / "docs" / "api" / "openapi.json"
CHANGELOG = ROOT / "docs" / "api" / "CHANGELOG.md"
OASDIFF_VERSION = "1.37.0"  # scripts/stack oasdiff installs this one


OASDIFF = Path(os.environ.get("OASDIFF") or ROOT / ".stack" / "bin" / f"oasdiff-{OASDIFF_VERSION}")


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@dataclass(frozen=True)
class Change:
    operation: str
    path: str
    text: str

    @property
    def line(self) -> str:
        """How to acknowledge it in the changelog."""
        return f"- {self.operation} {self.path}: {self.text}"

    def acknowledged_by(self, entry: str) -> bool:
        entry = _plain(entry)
        return f"{self.operation} {self.path}:".lower() in entry and _plain(self.text) in entry


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("`", "").replace("'", "")).strip().lower()


def render(schema: dict) -> str:
    """The committed form: stable, diffable."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def breaking_changes(base: dict, revision: dict) -> list[Change]:
    """What oasdiff calls breaking (ERR level) between two schemas."""
    binary = OASDIFF
    if not binary.exists():
        raise FileNotFoundError(f"{binary} is missing: `scripts/stack oasdiff` installs it")
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for name, schema in (("base.json", base), ("revision.json", revision)):
            path = Path(scratch) / name
            path.write_text(json.dumps(schema))
            files.append(str(path))
        result = subprocess.run(  # noqa: S603 (our own pinned binary, our own files)
            [str(binary), "breaking", *files, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"oasdiff failed: {result.stderr.strip() or result.stdout.strip()}")
    found = json.loads(result.stdout or "[]") or []
    return [
        Change(item.get("operation", ""), item.get("path", ""), item["text"]) for item in found if item["level"] >= 3
    ]


def acknowledgements(changelog: str) -> list[str]:
    """The list items of the changelog's "Unreleased" section."""
    section = re.search(r"^## Unreleased\s*$(.*?)(?=^## |\Z)", changelog, flags=re.MULTILINE | re.DOTALL)
    if not section:
        return []
    return [line.strip() for line in section.group(1).splitlines() if line.strip().startswith("- ")]


def unacknowledged(changes: list[Change], changelog: str) -> list[Change]:
    entries = acknowledgements(changelog)
    return [change for change in changes if not any(change.acknowledged_by(entry) for entry in entries)]
