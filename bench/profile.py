"""Where the server's time goes under load: py-spy samples every gunicorn worker for a while,
then the samples are summed per function (the share of samples a function was on the stack).

Used by bench/load.py when LOAD_PROFILE names a user count.
"""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

OUR_CODE = re.compile(r"\((accounts|cart|catalog|orders|reviews|shop|analytics)/(?!middleware)")
# Costs worth naming whoever calls them: hashing, templates, SQL, the search engine, the cache.
KNOWN_COSTS = re.compile(
    r"verify_secret|pbkdf2|Template\.render \(django/template/base|Cursor\.execute|OpenSearch\.search"
    r"|Redis\.execute_command"
)


def record(master_pid: int, seconds: int, output: Path) -> None:
    """Sample the gunicorn master's workers (raw "stack count" lines) for `seconds`."""
    py_spy = Path(sys.executable).with_name("py-spy")
    options = ["--subprocesses", "--nonblocking", "-r", "50", "-d", str(seconds), "-f", "raw", "-o", str(output)]
    subprocess.run(
        [str(py_spy), "record", "-p", str(master_pid), *options],
        check=True,
        capture_output=True,
    )


def shares(samples: Path) -> tuple[int, Counter]:
    """How many samples there were, and in how many of them each function was on the stack."""
    total, on_stack = 0, Counter()
    for line in samples.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        frames = {re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")}
        for frame in frames:
            if OUR_CODE.search(frame) or KNOWN_COSTS.search(frame):
                on_stack[frame] += int(count)
    return total, on_stack


def report(samples: Path, top: int = 15) -> None:
    total, on_stack = shares(samples)
    print(f"\nWhere the workers' time went ({total:,} samples; a function's share counts its callees):\n")
    print("| share | function |")
    print("|---:|---|")
    for frame, count in on_stack.most_common(top):
        print(f"| {100 * count / max(1, total):.0f}% | `{frame}` |")
