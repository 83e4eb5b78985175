"""The released schema (docs/api/openapi.json) cannot change under clients without anyone noticing."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from shop.api import history
from shop.api.contract import live_schema


@pytest.fixture
def committed(tmp_path, monkeypatch):
    """A stand-in for docs/api/openapi.json and the changelog, which the test may change."""
    schema_file, changelog = tmp_path / "openapi.json", tmp_path / "CHANGELOG.md"
    schema_file.write_text(history.COMMITTED.read_text())
    changelog.write_text("# API changelog\n\n## Unreleased\n\n## 1.0.0\n")
    monkeypatch.setattr(history, "COMMITTED", schema_file)
    monkeypatch.setattr(history, "CHANGELOG", changelog)
    return schema_file, changelog


def _with_a_field_clients_rely_on(schema: dict) -> dict:
    """The served schema as if an earlier release had a required `legacy` field on products."""
    older = copy.deepcopy(schema)
    product = older["components"]["schemas"]["Product"]
    product["properties"]["legacy"] = {"type": "string", "readOnly": True}
    product["required"].append("legacy")
    return older


def test_the_committed_schema_is_the_one_the_code_serves():
    call_command("api_schema", "--check")  # fails with `make schema` to run when they differ


def test_removing_a_field_is_breaking_until_the_changelog_acknowledges_it(committed):
    schema_file, changelog = committed
    schema_file.write_text(json.dumps(_with_a_field_clients_rely_on(live_schema())))

    with pytest.raises(CommandError, match="not acknowledged") as refused:
        call_command("api_schema", "--write")
    lines = [line for line in str(refused.value).splitlines() if line.startswith("- ")]
    assert "- GET /api/v1/products/{id}: removed the required property `legacy`" in "\n".join(lines)
    assert "legacy" in schema_file.read_text()  # nothing written

    changelog.write_text(changelog.read_text().replace("## Unreleased\n", "## Unreleased\n\n" + "\n".join(lines)))
    call_command("api_schema", "--write")
    call_command("api_schema", "--check")
    assert "legacy" not in schema_file.read_text()


def test_an_acknowledgement_under_a_released_version_does_not_count():
    base = _with_a_field_clients_rely_on(live_schema())
    changes = history.breaking_changes(base, live_schema())
    lines = "\n".join(change.line for change in changes)

    assert changes
    assert history.unacknowledged(changes, f"## Unreleased\n\n## 1.0.0\n\n{lines}\n") == changes
    assert history.unacknowledged(changes, f"## Unreleased\n\n{lines}\n\n## 1.0.0\n") == []


def test_an_added_field_is_not_breaking_but_the_file_must_follow(committed):
    schema_file, _ = committed
    older = copy.deepcopy(live_schema())
    del older["components"]["schemas"]["Product"]["properties"]["rating_count"]
    older["components"]["schemas"]["Product"]["required"].remove("rating_count")
    schema_file.write_text(json.dumps(older))

    assert history.breaking_changes(older, live_schema()) == []
    with pytest.raises(CommandError, match="run `make schema`"):
        call_command("api_schema", "--check")
