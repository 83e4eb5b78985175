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
