"""The password hasher as it was before its working memory was kept, for side-by-side load runs:

    PASSWORD_HASHERS=bench.hashers.MemoryAfreshArgon2idHasher BENCH_ONLY=load python -m bench.run

The same parameters and the same stored form (so the accounts' hashes verify unchanged), with
argon2-cffi asking the kernel for fresh memory on every hash, as Django's own Argon2 hasher does.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

from accounts.hashers import Argon2idPasswordHasher


class MemoryAfreshArgon2idHasher(Argon2idPasswordHasher):
    encode = Argon2PasswordHasher.encode
    verify = Argon2PasswordHasher.verify
