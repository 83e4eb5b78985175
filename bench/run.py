"""`make bench`: every benchmark, each printing a Markdown table for docs/benchmarks.md.

BENCH_ONLY=catalogue or BENCH_ONLY=search runs one of them.
"""

import os

from bench import catalogue, search


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if only in ("", "catalogue"):
        catalogue.run()
    if only in ("", "search"):
        search.run()


if __name__ == "__main__":
    main()
