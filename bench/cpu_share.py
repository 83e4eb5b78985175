"""Which programs used the machine's CPU during a load step: the site, its database, the search
engine, the load generator itself, or the services idling beside them.

The CPU-busy figure of a step says how full the machine was, not who filled it; on two shared cores
every program's time is the site's lost throughput, so the load benchmark prints this table beside
it. Counts come from /proc (user + system time of every process alive at both ends of the step,
plus the load generator's own, reaped, time).
"""

import os
import resource
import threading
import time
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")

OTHER = "everything else"
LOAD_GENERATOR = "Locust (the load generator)"

# (what to call it, a piece of its command line that names it), first match wins.
PROGRAMS: tuple[tuple[str, str], ...] = (
    (LOAD_GENERATOR, "-m locust"),
    ("gunicorn (the site)", "gunicorn"),
    ("Celery worker", "celery"),
    ("PostgreSQL", "postgres"),
    ("OpenSearch", "opensearch"),
    ("Redis", "redis-server"),
    ("Kafka", "kafka"),
    ("ClickHouse", "clickhouse"),
    ("Spark", "spark"),
)


def program_of(command_line: str) -> str:
    """The name a process's CPU is counted under."""
    for name, marker in PROGRAMS:
        if marker in command_line:
            return name
    return OTHER


def snapshot() -> dict[int, tuple[str, float]]:
    """Every process's program and CPU seconds so far."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended while we looked
            continue
        # The fields after the command name, which is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        user, system = int(fields[11]), int(fields[12])
        processes[int(entry.name)] = (program_of(command_line or stat), (user + system) / TICKS)
    return processes


def children_seconds() -> float:
    """CPU seconds of this process's finished children (the load generator, once reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Account:
    """Each program's CPU over a stretch of time, looked at every `every` seconds so that processes
    started meanwhile (a database connection opened by a new worker) count from their start and
    processes that ended lose at most one interval; the load generator's time is added once it has
    been reaped.

        with Account() as account:
            run_the_step()
        account.shares()
    """

    def __init__(self, every: float = 2.0):
        self.every = every
        self.used: Counter = Counter()
        self._seen: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()

    def __enter__(self) -> "Account":
        self._seen = snapshot()
        self._generator = children_seconds()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._look()
        self.used[LOAD_GENERATOR] += children_seconds() - self._generator
        self.wall = time.monotonic() - self._started

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            self._look()

    def _look(self) -> None:
        now = snapshot()
        for pid, (program, seconds) in now.items():
            if program == LOAD_GENERATOR:  # counted whole once it has ended and been reaped
                continue
            earlier = self._seen.get(pid)
            # A process new since the last look started during the stretch: all its time is in it.
            self.used[program] += seconds - earlier[1] if earlier and earlier[0] == program else seconds
        self._seen = now

    def shares(self) -> list[tuple[str, float]]:
        """Each program's share of the machine's CPU time, largest first (percent of all cores; they
        add up to how busy the machine was, less what ended between two looks)."""
        capacity = self.wall * (os.cpu_count() or 1)
        return [(program, 100 * seconds / capacity) for program, seconds in self.used.most_common() if seconds > 0]
