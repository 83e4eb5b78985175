"""What a login's password check costs the server: Argon2id with our parameters, its working memory
kept between hashes (accounts.argon2_memory) against argon2-cffi mapping it afresh for each.

    BENCH_ONLY=hashing python -m bench.run

CPU time from `getrusage`, split into the process's own (the hash) and the kernel's (mapping and
zeroing the pages), and the page faults, per check, over interleaved rounds.
"""

import os
import platform
import resource
import secrets

from argon2.low_level import Type, hash_secret, verify_secret

from accounts import argon2_memory

CHECKS = int(os.environ.get("BENCH_HASH_CHECKS", "30"))
ROUNDS = 3
# accounts.hashers.Argon2idPasswordHasher's parameters
PARAMETERS = {"time_cost": 1, "memory_cost": 47104, "parallelism": 1, "hash_len": 32, "type": Type.ID}


def _cost(check) -> tuple[float, float, float]:
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(CHECKS):
        check()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return (
        (after.ru_utime - before.ru_utime) * 1000 / CHECKS,
        (after.ru_stime - before.ru_stime) * 1000 / CHECKS,
        (after.ru_minflt - before.ru_minflt) / CHECKS,
    )


def run() -> None:
    password, salt = secrets.token_bytes(16), secrets.token_bytes(16)
    encoded = hash_secret(password, salt, **PARAMETERS)

    def kept():
        assert argon2_memory.verify(encoded.decode(), password)

    def afresh():
        assert verify_secret(encoded, password, Type.ID)

    ways = {"memory kept (accounts.argon2_memory)": kept, "memory mapped afresh (argon2-cffi)": afresh}
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ways}
    for check in ways.values():
        check()  # the first check maps the kept memory once
    for _ in range(ROUNDS):
        for name, check in ways.items():
            figures[name].append(_cost(check))
    print("\n## Password checks (Argon2id, 46 MiB, one pass, one lane)\n")
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"{CHECKS} checks × {ROUNDS} interleaved rounds, the median round\n")
    print("| working memory | user ms a check | system ms a check | CPU ms a check | page faults a check |")
    print("|---|---:|---:|---:|---:|")
    for name, rounds in figures.items():
        user, system, faults = sorted(rounds, key=lambda figure: figure[0] + figure[1])[ROUNDS // 2]
        print(f"| {name} | {user:.1f} | {system:.1f} | {user + system:.1f} | {faults:,.0f} |")


if __name__ == "__main__":
    run()
