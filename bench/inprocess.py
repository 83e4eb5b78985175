"""Where a request's work goes, measured inside one process: quicker and steadier than wrk on a busy
machine, and what the regression check in the tests counts.

    BENCH_DATABASE=shop_bench python -m bench.inprocess [rounds] [--profile NAME]

Uses the catalogue benchmark's database (run `BENCH_ONLY=catalogue make bench` once to load it) and
the Django test client. For each endpoint: the queries it runs, the Python function calls it makes
(counted, so the same on an idle and a loaded machine), and the median CPU time of `rounds`
interleaved requests; each page is compared with its JSON twin (bench/twins.py). `--profile NAME`
prints the cProfile of that endpoint instead.
"""

import os
import sys
import time


def _setup() -> None:
    from bench.common import DATABASE_PREFIX, database_url

    os.environ["DATABASE_URL"] = database_url(DATABASE_PREFIX)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "in-process-benchmark-" + "x" * 40)
    os.environ.setdefault("CATALOGUE_COUNT_SECONDS", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("CACHE_KEY_PREFIX", f"{DATABASE_PREFIX}-inprocess")
    import django

    django.setup()


def main() -> None:
    _setup()
    import cProfile
    import pstats
    import statistics

    from django.db import connection
    from django.test import Client

    from bench import twins
    from shop.testing import count_calls

    rounds = int(next((arg for arg in sys.argv[1:] if arg.isdigit()), "200"))
    client = Client()
    targets = twins.targets(lambda path: client.get(path, follow=False))
    if "--profile" in sys.argv:
        name = sys.argv[sys.argv.index("--profile") + 1]
        path = targets[name]
        for _ in range(20):
            client.get(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(rounds):
            client.get(path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    for path in targets.values():  # warm the caches, the connection, the templates
        for _ in range(20):
            assert client.get(path).status_code == 200, path
    cpu: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, path in targets.items():
            started = time.process_time()
            client.get(path)
            cpu[name].append(time.process_time() - started)
    print(f"load average {os.getloadavg()[0]:.1f} · {rounds} interleaved requests each\n")
    print("| endpoint | queries | Python calls | CPU ms (median) | compared with | calls ratio | CPU ratio |")
    print("|---|---:|---:|---:|---|---:|---:|")
    calls, medians = {}, {}
    for name, path in targets.items():
        queries: list[str] = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            client.get(path)
        calls[name] = count_calls(lambda path=path: client.get(path))
        medians[name] = statistics.median(cpu[name]) * 1000
        twin = twins.TWINS.get(name, (None,))[0]
        ratio = (
            f"| {twin} | {calls[twin] / calls[name]:.2f}× | {medians[twin] / medians[name]:.2f}×"
            if twin in calls
            else "| | |"
        )
        print(f"| {name} | {len(queries)} | {calls[name]:,} | {medians[name]:.2f} {ratio} |")
    print("\nratio = the twin's work / the endpoint's: 1.00× costs the same, 0.80× costs a quarter more")


if __name__ == "__main__":
    main()
