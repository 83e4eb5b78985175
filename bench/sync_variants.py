"""The sync in a fresh JVM under other JVM and Spark options, alternating with the shop's own.

`BENCH_ONLY=sync-variants make bench` (not part of the full `make bench`): the pipeline benchmark's
1M order lines, then rounds of full incremental syncs, each by `analytics_run` in a fresh process on
a settled warehouse, one per variant, with the copy floor measured again at each round's start, so
noise falls on every variant alike. A variant is what the environment alone can change: the JVM's
options (JAVA_TOOL_OPTIONS) and Spark's (PYSPARK_SUBMIT_ARGS, before the session's own options).
"""

import os
import platform
import statistics

from bench import pipeline
from bench.common import ensure_database, log, manage, seed_demo
from shop.testing import generate_orders

ROUNDS = int(os.environ.get("BENCH_SYNC_ROUNDS", "3"))
VARIANTS = {
    "the shop's own options": {},
    "the parallel collector": {"JAVA_TOOL_OPTIONS": "-XX:+UseParallelGC"},
    "adaptive execution off": {"PYSPARK_SUBMIT_ARGS": "--conf spark.sql.adaptive.enabled=false pyspark-shell"},
    "whole-stage code generation off": {
        "PYSPARK_SUBMIT_ARGS": "--conf spark.sql.codegen.wholeStage=false pyspark-shell"
    },
}


def run() -> None:
    env = pipeline._environment()
    ensure_database(env["DATABASE_URL"])
    log("sync variants: migrating, loading the catalogue and the order lines")
    manage(env, "migrate", "-v0")
    seed_demo(env, "--products", "1000", "--orders", "0", "--reviews", "0", "--no-pictures", "-v0")
    shop = pipeline._connect(env)
    pipeline._reset(shop, env)
    manage(env, "analytics_schema")
    generate_orders(shop, pipeline.LINES)
    manage(env, "analytics_run", "--job", "incremental_sync")  # the warehouse holds a copy, as in the pipeline's

    floors, seconds = [], {name: [] for name in VARIANTS}
    for number in range(1, ROUNDS + 1):
        floors.append(pipeline._floor(env))
        for name, extra in VARIANTS.items():
            log(f"sync variants: round {number} of {ROUNDS}, {name}")
            pipeline._forget_watermark(shop)
            pipeline._settle(env)
            manage({**env, **extra}, "analytics_run", "--job", "incremental_sync")
            seconds[name].append(pipeline._job(shop, "incremental_sync")["seconds"])

    floor = statistics.median(floors)
    print("\n## The sync in a fresh JVM under other options\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"{pipeline.LINES:,} order lines · {ROUNDS} rounds · the floor each round: "
          f"{', '.join(f'{value:.2f}' for value in floors)} s\n")  # fmt: skip
    print("| variant | the job, each round | median | ratio: floor / median |")
    print("|---|---|---:|---:|")
    for name, values in seconds.items():
        middle = statistics.median(values)
        print(
            f"| {name} | {' / '.join(f'{value:.2f} s' for value in values)} | {middle:.2f} s | {floor / middle:.2f}× |"
        )
