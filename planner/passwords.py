"""Password hashing with argon2id and the password rules (8-256 characters, any script)."""

from __future__ import annotations

import os
import secrets
import threading
import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from planner.config import CONTENT_DIR

MIN_LENGTH = 8
MAX_LENGTH = 256

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# Each hash holds 64 MiB for about 0.1 s and keeps `parallelism` (4) threads busy. A burst of log-ins (or
# someone trying many names at once) waits its turn here instead of taking the server's memory: at most
# one hash per `parallelism` cores at once. On 2 cores that is one: measured here, four hashes at once
# finished only 20% sooner than one after another, for four times the memory.
HASHING_AT_ONCE = max(1, (os.cpu_count() or 1) // _hasher.parallelism)
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


@cache
def _common_passwords() -> frozenset[str]:
    path = CONTENT_DIR / "common-passwords.txt"
    return frozenset(line.strip().casefold() for line in path.read_text("utf-8").splitlines() if line.strip())


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def password_problem(password: str, *, username: str = "") -> str | None:
    """What is wrong with a new password, or None if it is acceptable."""
    password = _normalise(password)
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (any language and script)."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = password.casefold()
    if folded in _common_passwords():
        return "This password is on the list of common passwords. Choose another."
    if username and folded == username.casefold():
        return "The password must not be the username."
    return None


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(_normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches. With no hash (unknown user) it still spends the same time."""
    try:
        with _hashing:
            matches = _hasher.verify(password_hash or _DUMMY_HASH, _normalise(password))
        return matches and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def one_time_password() -> str:
    """A random password for a new member, shown once; they must replace it at first log-in."""
    words = secrets.token_urlsafe(12)
    return f"{words[:4]}-{words[4:8]}-{words[8:12]}-{words[12:]}"
