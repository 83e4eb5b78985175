"""Argon2 hashes computed in working memory kept from one hash to the next.

Argon2id is slow on purpose: every login fills and reads 46 MiB (accounts.hashers). argon2-cffi asks
the C library for that memory afresh each time, so the kernel maps 11,777 new pages and zeroes each
one before Argon2 writes it, then unmaps them all: about 19 ms of system time on top of the 21 ms the
hash itself takes (`getrusage`, on the project's machine). That half costs an attacker nothing,
only us. Here the reference implementation is handed memory we keep (its context's documented
allocate/free callbacks), so a process pays for the pages once. The hash, its parameters and its
encoded form are exactly the library's (the tests compare them byte for byte), and Argon2 wipes
the memory itself before it calls the free callback (its `clear_internal_memory`, always on in
the bundled library): only memory handed back that way is used again. A hash that failed midway
(a thread that could not start) never hands it back, and its memory is neither used again nor
freed, as the library itself leaves it: a thread of that hash may still be writing to it.

A process keeps at most `KEPT_BUFFERS` buffers (one per thread hashing at the same moment), each no
larger than `LARGEST_KEPT`: 46 MiB each with our parameters; an older hash with a larger memory cost
(Django's own 100 MiB) borrows its memory for that one hash. Hashes written in any other way than
the library writes them (older Argon2 versions, a missing version field, numbers with leading zeros,
Base64 that is not the canonical form) are read by argon2-cffi itself, so they are accepted or
refused exactly as before. Where cffi cannot make callbacks (no executable memory for them), every
hash is argon2-cffi's own.
"""

import base64
import hmac
import os
import re
import threading

import argon2
from argon2.exceptions import HashingError, VerificationError
from argon2.low_level import Type, error_to_str, ffi, hash_secret, lib

KEPT_BUFFERS = 2
LARGEST_KEPT = 64 * 1024 * 1024
VERSION = 0x13  # Argon2 1.3, "v=19" in an encoded hash: the only version made here

_idle: list = []  # buffers handed back wiped, each a cffi uint8_t[]; the largest first
_idle_lock = threading.Lock()
_lent = threading.local()  # the buffer this thread's hash is using, and whether Argon2 handed it back
_abandoned: list = []  # buffers of hashes that failed midway: never used again, never freed

_TYPES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}
_TYPE_NAMES = {value: name for name, value in _TYPES.items()}
_NUMBER = r"(?:0|[1-9][0-9]{0,9})"  # as the library reads them: no sign, no leading zero
# The shape argon2-cffi writes: $type$v=19$m=…,t=…,p=…$salt$hash, unpadded standard Base64.
_ENCODED = re.compile(
    rf"\$(?P<type>argon2id|argon2i|argon2d)\$v=19\$m=(?P<m>{_NUMBER}),t=(?P<t>{_NUMBER}),p=(?P<p>{_NUMBER})"
    r"\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<hash>[A-Za-z0-9+/]+)"
)


def _forget_after_fork() -> None:
    """A forked child (a server's worker) starts with a lock of its own: one a thread of the parent
    held at the fork would never be released in the child."""
    global _idle_lock
    _idle_lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def _allocate(memory, size):
    """Argon2 asks for its memory once its inputs are checked: the smallest kept buffer that holds
    it, else a new one. On failure `*memory` stays NULL, which is what Argon2 checks (it ignores the
    returned code)."""
    with _idle_lock:
        buffer = next((idle for idle in reversed(_idle) if len(idle) >= size), None)
        if buffer is not None:
            _idle.remove(buffer)
    if buffer is None:
        buffer = ffi.new("uint8_t[]", size)
    _lent.buffer, _lent.handed_back = buffer, False
    memory[0] = ffi.cast("uint8_t *", buffer)
    return lib.ARGON2_OK


def _hand_back(memory, size):
    """Called by Argon2 after it has wiped the memory: from here it may be used again."""
    _lent.handed_back = True


def _settle() -> None:
    """After a hash: keep its buffer if Argon2 handed it back wiped, abandon it if it did not."""
    buffer, handed_back = getattr(_lent, "buffer", None), getattr(_lent, "handed_back", False)
    _lent.buffer = None
    if buffer is None:
        return
    if not handed_back:
        _abandoned.append(buffer)
        return
    if len(buffer) <= LARGEST_KEPT:
        with _idle_lock:  # the largest are kept: a smaller hash fits in them, not the other way round
            _idle.append(buffer)
            _idle.sort(key=len, reverse=True)
            del _idle[KEPT_BUFFERS:]


try:
    _ALLOCATE = ffi.callback("int(uint8_t **, size_t)", _allocate, error=lib.ARGON2_MEMORY_ALLOCATION_ERROR)
    _HAND_BACK = ffi.callback("void(uint8_t *, size_t)", _hand_back)
    AVAILABLE = True
except MemoryError:  # "Cannot allocate write+execute memory for ffi.callback()": hash the library's way
    AVAILABLE = False


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
    context.allocate_cbk, context.free_cbk = _ALLOCATE, _HAND_BACK
    context.flags = lib.ARGON2_FLAG_CLEAR_PASSWORD  # our copy of the password, wiped once read
    try:
        code = lib.argon2_ctx(context, type.value)
    finally:
        _settle()
    if code != lib.ARGON2_OK:
        raise HashingError(error_to_str(code))
    return bytes(ffi.buffer(out, hash_len))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _canonical_b64(text: str) -> bytes:
    """The bytes `text` stands for, if it is the one way the library writes them; else ValueError."""
    raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    if _b64(raw) != text:  # bits left over in the last character, or a length Base64 never has
        raise ValueError("not canonical Base64")
    return raw


def encode(secret: bytes, salt: bytes, parameters: argon2.Parameters) -> str:
    """The encoded hash argon2-cffi's `hash_secret` returns for the same inputs."""
    if parameters.version != VERSION:
        raise HashingError(f"only Argon2 version {VERSION} is made here, not {parameters.version}")
    costs = {
        "time_cost": parameters.time_cost,
        "memory_cost": parameters.memory_cost,
        "parallelism": parameters.parallelism,
        "hash_len": parameters.hash_len,
        "type": parameters.type,
    }
    if not AVAILABLE:
        return hash_secret(secret, salt, **costs).decode("ascii")
    digest = hash_raw(secret, salt, **costs)
    return (
        f"${_TYPE_NAMES[parameters.type]}$v={VERSION}$m={parameters.memory_cost},t={parameters.time_cost},"
        f"p={parameters.parallelism}${_b64(salt)}${_b64(digest)}"
    )


def verify(encoded: str, secret: bytes) -> bool:
    """Whether `secret` is the one `encoded` was made from, as Django's own Argon2 hasher answers:
    False for a wrong secret or a hash Argon2 cannot use; argon2-cffi's InvalidHashError for a hash
    that is not Argon2's at all."""
    match = _ENCODED.fullmatch(encoded) if AVAILABLE else None
    if match is None:
        return _verify_by_library(encoded, secret)
    try:
        salt, expected = _canonical_b64(match["salt"]), _canonical_b64(match["hash"])
        actual = hash_raw(
            secret,
            salt,
            time_cost=int(match["t"]),
            memory_cost=int(match["m"]),
            parallelism=int(match["p"]),
            hash_len=len(expected),
            type=_TYPES[match["type"]],
        )
    # Base64 written otherwise, parameters Argon2 refuses or cannot hold: the library's answer.
    except (ValueError, OverflowError, MemoryError, HashingError):
        return _verify_by_library(encoded, secret)
    return hmac.compare_digest(actual, expected)


def _verify_by_library(encoded: str, secret: bytes) -> bool:
    try:
        return argon2.PasswordHasher().verify(encoded, secret)
    except VerificationError:
        return False
