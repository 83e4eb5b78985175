"""Argon2 hashes computed in working memory kept from one hash to the next.

Argon2id is slow on purpose: every login fills and reads 46 MiB (accounts.hashers). argon2-cffi asks
the C library for that memory afresh each time, so the kernel maps 11,777 new pages and zeroes each
one before Argon2 writes it, then unmaps them all: about 19 ms of system time on top of the 21 ms the
hash itself takes (`getrusage`, on the project's machine). That half costs an attacker nothing,
only us. Here the reference implementation is handed memory we keep (its context's documented
allocate/free callbacks), so a process pays for the pages once. The hash, its parameters and its
encoded form are exactly the library's (the tests compare them byte for byte), and Argon2 wipes
the memory itself before handing it back (its `clear_internal_memory`, on by default), so nothing
of one password's work waits in it for the next.

A process keeps at most `KEPT_BUFFERS` buffers (one per thread hashing at the same moment); each is
as large as the memory cost, 46 MiB with ours. Hashes of another shape than the one we make (older
Argon2 versions, a missing version field) are verified by argon2-cffi itself.
"""

import base64
import hmac
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import argon2
from argon2.exceptions import HashingError, VerificationError
from argon2.low_level import Type, error_to_str, ffi, lib

KEPT_BUFFERS = 2
LARGEST_KEPT = 256 * 1024 * 1024  # a hash with an outsized memory cost borrows its memory once
VERSION = 0x13  # Argon2 1.3, "v=19" in an encoded hash: the only version we make

_idle: list = []  # buffers not in use, each a cffi uint8_t[]
_idle_lock = threading.Lock()
_lent = threading.local()  # the buffer the current thread's hash may use

_TYPES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}
_TYPE_NAMES = {value: name for name, value in _TYPES.items()}
# The shape argon2-cffi writes: $type$v=19$m=…,t=…,p=…$salt$hash, unpadded standard Base64.
_ENCODED = re.compile(
    r"\$(?P<type>argon2id|argon2i|argon2d)\$v=19\$m=(?P<m>[0-9]{1,10}),t=(?P<t>[0-9]{1,10}),p=(?P<p>[0-9]{1,8})"
    r"\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<hash>[A-Za-z0-9+/]+)"
)


def _forget_after_fork() -> None:
    """A forked child (a server's worker) starts with a lock of its own: one a thread of the parent
    held at the fork would never be released in the child."""
    global _idle_lock
    _idle_lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


@ffi.callback("int(uint8_t **, size_t)", error=lib.ARGON2_MEMORY_ALLOCATION_ERROR)
def _allocate(memory, size):
    buffer = getattr(_lent, "buffer", None)
    if buffer is None or len(buffer) < size:
        return lib.ARGON2_MEMORY_ALLOCATION_ERROR
    memory[0] = ffi.cast("uint8_t *", buffer)
    return lib.ARGON2_OK


@ffi.callback("void(uint8_t *, size_t)")
def _keep(memory, size):
    """Argon2 has wiped the memory by now; it stays ours for the next hash."""


@contextmanager
def _working_memory(size: int) -> Iterator[None]:
    """Lend this thread a buffer of at least `size` bytes for one hash: an idle one if there is one."""
    with _idle_lock:
        buffer = next((idle for idle in reversed(_idle) if len(idle) >= size), None)  # the smallest that fits
        if buffer is not None:
            _idle.remove(buffer)
    if buffer is None:
        buffer = ffi.new("uint8_t[]", size)
    _lent.buffer = buffer
    try:
        yield
    finally:
        _lent.buffer = None
        if len(buffer) <= LARGEST_KEPT:
            with _idle_lock:  # the largest are kept: a smaller hash fits in them, not the other way round
                _idle.append(buffer)
                _idle.sort(key=len, reverse=True)
                del _idle[KEPT_BUFFERS:]


def hash_raw(
    secret: bytes, salt: bytes, *, time_cost: int, memory_cost: int, parallelism: int, hash_len: int, type: Type
) -> bytes:
    """The raw Argon2 (version 1.3) hash of `secret`, as argon2-cffi's `hash_secret_raw` computes it."""
    out = ffi.new("uint8_t[]", hash_len)
    secret_buffer, salt_buffer = ffi.new("uint8_t[]", secret), ffi.new("uint8_t[]", salt)
    context = ffi.new("argon2_context *")
    context.out, context.outlen = out, hash_len
    context.pwd, context.pwdlen = secret_buffer, len(secret)
    context.salt, context.saltlen = salt_buffer, len(salt)
    context.secret, context.secretlen = ffi.NULL, 0
    context.ad, context.adlen = ffi.NULL, 0
    context.t_cost, context.m_cost = time_cost, memory_cost
    context.lanes = context.threads = parallelism
    context.version = VERSION
    context.allocate_cbk, context.free_cbk = _allocate, _keep
    context.flags = lib.ARGON2_DEFAULT_FLAGS
    # Argon2 uses at least 8 blocks of 1 KiB a lane, and never more than the memory cost otherwise.
    with _working_memory(max(memory_cost, 2 * lib.ARGON2_SYNC_POINTS * parallelism) * 1024):
        code = lib.argon2_ctx(context, type.value)
    if code != lib.ARGON2_OK:
        raise HashingError(error_to_str(code))
    return bytes(ffi.buffer(out, hash_len))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def encode(secret: bytes, salt: bytes, parameters: argon2.Parameters) -> str:
    """The encoded hash argon2-cffi's `hash_secret` returns for the same inputs."""
    if parameters.version != VERSION:
        raise HashingError(f"only Argon2 version {VERSION} is made here, not {parameters.version}")
    digest = hash_raw(
        secret,
        salt,
        time_cost=parameters.time_cost,
        memory_cost=parameters.memory_cost,
        parallelism=parameters.parallelism,
        hash_len=parameters.hash_len,
        type=parameters.type,
    )
    return (
        f"${_TYPE_NAMES[parameters.type]}$v={VERSION}$m={parameters.memory_cost},t={parameters.time_cost},"
        f"p={parameters.parallelism}${_b64(salt)}${_b64(digest)}"
    )


def verify(encoded: str, secret: bytes) -> bool:
    """Whether `secret` is the one `encoded` was made from. Raises what argon2-cffi's
    `PasswordHasher.verify` raises for a hash it cannot read."""
    match = _ENCODED.fullmatch(encoded)
    if match is None:
        return _verify_by_library(encoded, secret)
    try:
        salt, expected = _unb64(match["salt"]), _unb64(match["hash"])
        actual = hash_raw(
            secret,
            salt,
            time_cost=int(match["t"]),
            memory_cost=int(match["m"]),
            parallelism=int(match["p"]),
            hash_len=len(expected),
            type=_TYPES[match["type"]],
        )
    # Base64 that is not, parameters Argon2 refuses or cannot hold: the library's answer, whatever it is.
    except (ValueError, OverflowError, MemoryError, HashingError):
        return _verify_by_library(encoded, secret)
    return hmac.compare_digest(actual, expected)


def _verify_by_library(encoded: str, secret: bytes) -> bool:
    try:
        return argon2.PasswordHasher().verify(encoded, secret)
    except VerificationError:
        return False
