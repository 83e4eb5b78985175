"""How passwords are stored."""

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils.encoding import force_bytes

from accounts import argon2_memory


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with the first of OWASP's Password Storage Cheat Sheet configurations:
    46 MiB of memory, one pass, one lane.

    Memory-hard, so a GPU cracks it far slower than PBKDF2, and about 21 ms of one core per
    login here (its memory kept between logins, accounts.argon2_memory; 41 ms when the kernel
    maps it afresh each time), where Django's own Argon2 parameters (100 MiB, two passes, eight
    lanes) cost 280 ms and PBKDF2 540 ms: on a busy site every login's hash is CPU the shoppers'
    pages wait for (docs/benchmarks.md, Load). Hashes keep Django's `argon2` format, so the stock
    hasher reads them, and a hash made with other parameters is redone at its next login.
    """

    time_cost = 1
    memory_cost = 47104  # KiB
    parallelism = 1

    def encode(self, password, salt):
        return self.algorithm + argon2_memory.encode(force_bytes(password), force_bytes(salt), self.params())

    def verify(self, password, encoded):
        algorithm, rest = encoded.split("$", 1)
        assert algorithm == self.algorithm
        return argon2_memory.verify("$" + rest, force_bytes(password))
