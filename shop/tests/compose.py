"""The compose deployment as a user meets it: a checkout, the README's deploy steps, `docker-compose config`.

Helpers for test_deployment.py and the compose rehearsal (test_compose_rehearsal.py).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from shop.testing import ROOT


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `scripts/stack tools` installs it (make test runs it)")
    return path


def checkout(into: Path) -> Path:
    """The repository's tracked files (as they are in the work tree) in a folder of their own, like a
    fresh clone: no .env, no .venv, nothing a developer made by hand."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def readme_deploy_steps() -> list[str]:
    """The commands of the README's "Deploy with Docker Compose" block, before `docker compose up`."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Deploy with Docker Compose") :]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return block.split("docker compose up")[0].splitlines()


def run_steps(project: Path, steps: list[str]) -> None:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(steps)], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def follow_readme_deploy_steps(project: Path) -> dict[str, str]:
    """Run the README's steps word for word in `project`; returns the .env they made."""
    run_steps(project, readme_deploy_steps())
    return read_env_file(project / ".env")


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def render(project: Path, *files: str, env_file: str = ".env") -> subprocess.CompletedProcess:
    """`docker-compose config` (Debian's 1.29) of `files` with `env_file`, in `project`, from a user's
    shell: compose lets the shell's variables override .env, and the test's own (.env.stack) must not."""
    arguments = [tool("docker-compose"), "--env-file", env_file]
    for name in files or ("docker-compose.yml",):
        arguments += ["-f", name]
    shell = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run([*arguments, "config"], cwd=project, env=shell, capture_output=True, text=True, timeout=60)


def rendered(project: Path, *files: str, env_file: str = ".env") -> dict:
    done = render(project, *files, env_file=env_file)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def published_ports(compose: dict) -> dict[str, list[tuple[str, int]]]:
    """Service → (host address, host port) of each published port ("" for every address)."""
    found = {}
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            if isinstance(port, dict):
                found.setdefault(name, []).append((port.get("host_ip", ""), int(port["published"])))
            else:
                parts = str(port).split(":")
                host_ip = parts[0] if len(parts) == 3 else ""
                found.setdefault(name, []).append((host_ip, int(parts[-2])))
    return found
