"""What a newcomer tries first, from the seed's README: its Swagger address, its test command, its licence."""

import os
import subprocess

import pytest

from shop.testing import ROOT


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/docs", "/docs/"])
def test_the_seeds_swagger_address_leads_to_the_api_docs(client, address):
    response = client.get(address)

    assert response.status_code == 301 and response["Location"] == "/api/docs/"


def test_plain_pytest_without_the_servers_says_in_one_line_to_run_make_test():
    """The seed's `pytest`, in a shell where nothing was started: no wall of failures."""
    shell = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}

    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pytest")], cwd=ROOT, env=shell, capture_output=True, text=True, timeout=120
    )

    said = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 4
    assert len(said) == 1 and "run `make test`" in said[0] and "DATABASE_URL" in said[0]


def test_the_licence_is_mit_as_the_seed_says():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
