"""scripts/stack loads the cluster topology's functions from scripts/stack-cluster.sh into the
same shell: a function of the same name there silently replaces the single-node one (the
cluster's `up_clickhouse` once started four cluster nodes where `make test` asked for its one
server, and `down clickhouse` in a drill stopped nothing)."""

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(\)\s*\{", re.MULTILINE)


def functions_of(script: str) -> list[str]:
    return FUNCTION.findall((ROOT / "scripts" / script).read_text())


def test_no_function_of_the_cluster_script_replaces_one_of_the_stack_script():
    single, cluster = functions_of("stack"), functions_of("stack-cluster.sh")
    assert single and cluster
    assert set(single) & set(cluster) == set()
    assert [name for name, count in Counter(single + cluster).items() if count > 1] == []


def _serve_from(folder: Path):
    """A server on a free port whose command line names `folder` (as the stack's servers name
    their files under .stack/), and its port."""
    import subprocess
    import sys
    import time

    from shop.testing import free_port, port_answers

    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if port_answers(port):
            break
        time.sleep(0.05)
    return server, port


def _ensure_ours(root: Path, port: int):
    """The stack script's `ensure_ours`, run alone with ROOT set to `root`."""
    import subprocess

    script = (ROOT / "scripts" / "stack").read_text()
    function = re.search(r"^ensure_ours\(\) \{.*?^\}", script, re.MULTILINE | re.DOTALL)[0]
    program = f'set -euo pipefail\nlog() {{ echo "$*" >&2; }}\nROOT={root}\n{function}\nensure_ours demo {port}\n'
    return subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30)


def test_a_server_another_checkout_started_is_refused_with_its_process_named(tmp_path):
    """`scripts/stack up` uses a server already on its port only if this checkout started it: a
    deleted clone's OpenSearch or ClickHouse answered the next clone's `make test`, whose tests
    then failed by the dozen without saying why."""
    server, port = _serve_from(tmp_path / "other-clone" / ".stack" / "search")
    try:
        (tmp_path / "this-clone" / ".stack").mkdir(parents=True)
        refused = _ensure_ours(tmp_path / "this-clone", port)
        accepted = _ensure_ours(tmp_path / "other-clone", port)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert refused.returncode == 1
    assert f"held by process {server.pid}" in refused.stderr and "other-clone/.stack/search" in refused.stderr
    assert "scripts/stack down" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
