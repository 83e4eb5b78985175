"""The load benchmark's account of who used the CPU (bench/cpu_share.py)."""

import os
import subprocess
import sys

from bench import cpu_share


def test_programs_are_named_by_their_command_line():
    assert cpu_share.program_of("/venv/bin/python -m gunicorn bench.wsgi -b 127.0.0.1:8001") == "gunicorn (the site)"
    assert cpu_share.program_of("postgres: 15/main: shop shop_bench_load 127.0.0.1(5012) idle") == "PostgreSQL"
    assert cpu_share.program_of("/usr/bin/java -Dopensearch.path.home=/x org.opensearch.bootstrap.OpenSearch") == (
        "OpenSearch"
    )
    assert cpu_share.program_of("/venv/bin/python -m locust -f bench/locustfile.py") == cpu_share.LOAD_GENERATOR
    assert cpu_share.program_of("/bin/bash") == cpu_share.OTHER


def test_a_process_started_and_ended_within_the_stretch_is_counted():
    burn = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\ntime.sleep(0.5)"
    with cpu_share.Account(every=0.2) as account:
        # A program of its own name, alive for a few looks, then gone before the stretch ends.
        subprocess.run([sys.executable, "-c", burn, "redis-server"], check=True)
    shares = dict(account.shares())
    seconds = shares["Redis"] * account.wall * (os.cpu_count() or 1) / 100
    assert 0.5 < seconds < 1.0


def test_the_load_generator_is_counted_once():
    burn = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass"
    with cpu_share.Account(every=0.1) as account:
        subprocess.run([sys.executable, "-c", burn, "-m locust"], check=True)
    seconds = dict(account.shares())[cpu_share.LOAD_GENERATOR] * account.wall * (os.cpu_count() or 1) / 100
    assert 0.55 < seconds < 0.9
