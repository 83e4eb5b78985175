"""Argon2 in kept memory (accounts/argon2_memory.py): the library's hashes, byte for byte, without
mapping the memory afresh for every hash, and with nothing left in the memory it keeps."""

import dataclasses
import os
import resource
import secrets
import threading
import time

import argon2
import pytest
from argon2.exceptions import HashingError, InvalidHashError
from argon2.low_level import Type, hash_secret, hash_secret_raw
from django.contrib.auth.hashers import Argon2PasswordHasher

from accounts import argon2_memory
from accounts.hashers import Argon2idPasswordHasher

SHAPES = [  # (time cost, memory cost in KiB, lanes, hash length, type)
    (1, 64, 1, 32, Type.ID),
    (2, 256, 2, 16, Type.ID),
    (3, 1024, 4, 64, Type.ID),
    (1, 8, 1, 32, Type.I),
    (1, 100, 3, 32, Type.D),  # a memory cost that is not a multiple of 4 blocks a lane
]
SECRETS = [b"", b"correct horse battery staple", "pässwörd ✓".encode(), secrets.token_bytes(200)]


def _parameters(time_cost, memory_cost, lanes, hash_len, type):
    return argon2.Parameters(
        type=type,
        version=19,
        salt_len=16,
        hash_len=hash_len,
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=lanes,
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("secret", SECRETS)
def test_hashes_are_the_librarys_byte_for_byte(shape, secret):
    time_cost, memory_cost, lanes, hash_len, type = shape
    salt = secrets.token_bytes(16)
    library = {"time_cost": time_cost, "memory_cost": memory_cost, "parallelism": lanes, "hash_len": hash_len}

    assert argon2_memory.hash_raw(secret, salt, **library, type=type) == hash_secret_raw(
        secret, salt, **library, type=type
    )
    encoded = argon2_memory.encode(secret, salt, _parameters(*shape))
    assert encoded == hash_secret(secret, salt, **library, type=type).decode("ascii")


@pytest.mark.parametrize("shape", SHAPES)
def test_verify_agrees_with_the_library_both_ways(shape):
    secret, salt = b"the right one", secrets.token_bytes(16)
    time_cost, memory_cost, lanes, hash_len, type = shape
    ours = argon2_memory.encode(secret, salt, _parameters(*shape))
    theirs = hash_secret(
        secret, salt, time_cost=time_cost, memory_cost=memory_cost, parallelism=lanes, hash_len=hash_len, type=type
    ).decode("ascii")

    assert argon2.PasswordHasher().verify(ours, secret)
    for encoded in (ours, theirs):
        assert argon2_memory.verify(encoded, secret) is True
        assert argon2_memory.verify(encoded, b"the wrong one") is False
        assert argon2_memory.verify(encoded, b"") is False


def test_hashes_of_another_shape_are_left_to_the_library():
    older = hash_secret(
        b"s", b"saltsalt", time_cost=1, memory_cost=8, parallelism=1, hash_len=16, type=Type.I, version=16
    )
    assert b"v=16" in older
    assert argon2_memory.verify(older.decode(), b"s") is True
    assert argon2_memory.verify(older.decode(), b"t") is False
    with pytest.raises(HashingError):
        argon2_memory.encode(b"s", b"saltsalt", dataclasses.replace(_parameters(1, 8, 1, 16, Type.ID), version=16))


def test_unreadable_hashes_fail_as_djangos_own_hasher_fails():
    ours, stock = Argon2idPasswordHasher(), Argon2PasswordHasher()
    good = ours.encode("s", "saltsalt")
    salt = good.split("$")[4]
    unreadable = [
        "argon2$argon2id$nonsense",
        "argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",  # no hash
        good.replace("m=47104,", "m=1,"),  # less memory than Argon2 allows
        good.replace(salt, "c2FsdA"),  # a salt too short
        good.replace("t=1,", "t=9999999999,"),  # more passes than a 32-bit count holds
        good.replace("t=1,", "t=99999999999,"),  # more digits than a hash of ours has
        good[:-2] + "!!",  # not Base64
    ]
    for encoded in unreadable:
        assert ours.verify("s", encoded) is False, encoded
        assert stock.verify("s", encoded) is False, encoded
    with pytest.raises(InvalidHashError):  # neither reads a hash that is not Argon2's at all
        ours.verify("s", "argon2$bcrypt$whatever")
    with pytest.raises(InvalidHashError):
        stock.verify("s", "argon2$bcrypt$whatever")


def _uncanonical(text: str) -> str:
    """The same bytes in Base64 with the last character's spare bits set: decoders that do not
    check read it as `text`, the library refuses it."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    spare = {2: 0b1111, 3: 0b11}.get(len(text) % 4)
    assert spare, "a length with spare bits"
    return text[:-1] + alphabet[alphabet.index(text[-1]) | spare]


def test_hashes_written_otherwise_than_the_library_writes_them_are_refused_as_the_library_refuses_them():
    """Only the right password could pass here, but a hash only we accepted would never be redone."""
    ours, stock = Argon2idPasswordHasher(), Argon2PasswordHasher()
    good = ours.encode("s", "saltsalt12345678")
    salt, digest = good.split("$")[4:6]
    written_otherwise = [
        good.replace("m=47104,", "m=047104,"),  # leading zeros
        good.replace("t=1,", "t=01,"),
        good.replace("p=1$", "p=01$"),
        good.replace(digest, _uncanonical(digest)),  # the hash's Base64 with spare bits set
        good.replace(salt, _uncanonical(salt)),
    ]
    assert ours.verify("s", good) and stock.verify("s", good)
    for encoded in written_otherwise:
        assert stock.verify("s", encoded) is False, encoded
        assert ours.verify("s", encoded) is False, encoded


def test_the_kept_memory_is_reused_not_mapped_again():
    parameters = _parameters(1, 8192, 1, 32, Type.ID)  # 8 MiB: 2,048 pages a hash
    argon2_memory.encode(b"first", secrets.token_bytes(16), parameters)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    argon2_memory.encode(b"second", secrets.token_bytes(16), parameters)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    assert faults < 500  # the library's own way maps (and faults) all 2,048 pages again


def test_nothing_of_a_hash_stays_in_the_kept_memory():
    argon2_memory.encode(b"a secret", secrets.token_bytes(16), _parameters(1, 1024, 1, 32, Type.ID))

    assert argon2_memory._idle
    assert all(not any(bytes(argon2_memory.ffi.buffer(buffer))) for buffer in argon2_memory._idle)


def test_memory_of_a_hash_that_failed_midway_is_never_used_again():
    """Argon2 hands its memory back (wiped) only when the hash ends well; when it does not (a thread
    that could not start), a thread of that hash may still be writing to it."""
    pointer = argon2_memory.ffi.new("uint8_t **")
    argon2_memory._ALLOCATE(pointer, 4096)  # Argon2 took the memory...
    taken = argon2_memory._lent.buffer
    assert pointer[0] != argon2_memory.ffi.NULL
    argon2_memory._settle()  # ...and the hash ended without handing it back

    assert all(buffer is not taken for buffer in argon2_memory._idle)
    assert any(buffer is taken for buffer in argon2_memory._abandoned)


def test_memory_larger_than_ours_is_borrowed_for_one_hash_not_kept(monkeypatch):
    """A hash of Django's own parameters (100 MiB) would otherwise push ours out and stay."""
    monkeypatch.setattr(argon2_memory, "LARGEST_KEPT", 512 * 1024)
    monkeypatch.setattr(argon2_memory, "_idle", [])

    argon2_memory.encode(b"older", secrets.token_bytes(16), _parameters(1, 1024, 1, 32, Type.ID))
    assert argon2_memory._idle == []
    argon2_memory.encode(b"ours", secrets.token_bytes(16), _parameters(1, 256, 1, 32, Type.ID))
    assert [len(buffer) for buffer in argon2_memory._idle] == [256 * 1024]


def test_threads_hashing_at_once_each_get_their_own_memory():
    parameters = _parameters(1, 2048, 1, 32, Type.ID)
    jobs = [(secrets.token_bytes(12), secrets.token_bytes(16)) for _ in range(8)]
    results: dict[int, str] = {}
    start = threading.Barrier(len(jobs))

    def run(index, secret, salt):
        start.wait()
        results[index] = argon2_memory.encode(secret, salt, parameters)

    threads = [threading.Thread(target=run, args=(index, *job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for index, (secret, salt) in enumerate(jobs):
        expected = hash_secret(secret, salt, time_cost=1, memory_cost=2048, parallelism=1, hash_len=32, type=Type.ID)
        assert results[index] == expected.decode()
    assert len(argon2_memory._idle) <= argon2_memory.KEPT_BUFFERS


def test_djangos_stock_hasher_and_ours_read_each_others_hashes():
    ours, stock = Argon2idPasswordHasher(), Argon2PasswordHasher()
    mine = ours.encode("pässword", ours.salt())
    assert stock.verify("pässword", mine)
    assert not stock.verify("password", mine)
    theirs = stock.encode("pässword", stock.salt())
    assert ours.verify("pässword", theirs)
    assert not ours.verify("password", theirs)
    assert mine.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_starts_with_its_own_lock_and_no_buffers():
    argon2_memory.encode(b"parent", secrets.token_bytes(16), _parameters(1, 64, 1, 32, Type.ID))
    assert argon2_memory._idle
    with argon2_memory._idle_lock:  # a thread of the parent holds the lock at the moment of the fork
        child = os.fork()
        if child == 0:  # the child: hashes (needing the lock) and reports through its exit status
            try:
                fresh = not argon2_memory._idle
                argon2_memory.encode(b"child", secrets.token_bytes(16), _parameters(1, 64, 1, 32, Type.ID))
                os._exit(0 if fresh else 2)
            finally:
                os._exit(1)
    for _ in range(200):  # a child stuck on the parent's lock would never end: give it 20 s
        ended, status = os.waitpid(child, os.WNOHANG)
        if ended:
            break
        time.sleep(0.1)
    else:
        os.kill(child, 9)
        os.waitpid(child, 0)
        pytest.fail("the child hung on the lock its parent held at the fork")
    assert os.waitstatus_to_exitcode(status) == 0
