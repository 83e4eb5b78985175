"""`make bench`: every benchmark, each printing a Markdown table for docs/benchmarks.md.

BENCH_ONLY=catalogue, search, hashing, pipeline, recs, load or cluster runs one of them;
BENCH_ONLY=sync-variants runs the sync under other JVM and Spark options (only when asked).
"""

import os

from bench import catalogue, cluster, load, password_hash, pipeline, recs, search, sync_variants


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if only in ("", "catalogue"):
        catalogue.run()
    if only in ("", "search"):
        search.run()
    if only in ("", "hashing"):
        password_hash.run()
    if only in ("", "pipeline"):
        pipeline.run()
    if only in ("", "recs"):
        recs.run()
    if only in ("", "load"):
        load.run()
    if only in ("", "cluster"):
        cluster.run()
    if only == "sync-variants":
        sync_variants.run()


if __name__ == "__main__":
    main()
