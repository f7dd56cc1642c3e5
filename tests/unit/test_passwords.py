"""Password hashing and the password rules."""

import os

import pytest
from argon2 import PasswordHasher, Type

from planner import passwords

URDU_PASSPHRASE = "ہمارے شہروں میں امن ہو اور ہمارے بچے سکول جائیں یہی ہماری دعا ہے ہمیشہ"


def test_the_hasher_in_use_is_argon2id():
    assert passwords.hash_password("long enough phrase").startswith("$argon2id$")


def test_a_64_letter_urdu_passphrase_verifies_and_one_differing_in_its_last_letter_does_not(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(type=Type.ID))
    phrase = URDU_PASSPHRASE[:64]
    assert len(phrase) == 64 and len(phrase.encode()) > 72  # beyond bcrypt's silent 72-byte cut
    stored = passwords.hash_password(phrase)
    assert passwords.verify_password(stored, phrase)
    assert not passwords.verify_password(stored, phrase[:-1] + "ک")


def test_a_password_typed_in_another_unicode_form_still_verifies():
    stored = passwords.hash_password("cafe\u0301 au lait")
    assert passwords.verify_password(stored, "caf\u00e9 au lait")


def test_an_unknown_user_never_verifies():
    assert not passwords.verify_password(None, "anything at all")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("1234567", "at least 8"),
        ("x" * 257, "at most 256"),
        ("PASSWORD1", "common"),
        ("pakistan123", "common"),
        ("samina.q", "username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in passwords.password_problem(password, username="samina.q")


@pytest.mark.parametrize("password", ["پښتو ژبه ښکلې ده", "x" * 256, "eight ch"])
def test_reasonable_passwords_in_any_script_are_accepted(password):
    assert passwords.password_problem(password, username="farid") is None


def test_one_time_passwords_pass_the_rules_and_differ():
    first, second = passwords.one_time_password(), passwords.one_time_password()
    assert first != second
    assert passwords.password_problem(first) is None


def test_a_burst_of_log_ins_hashes_one_at_a_time_per_four_cores(monkeypatch):
    """Each argon2id hash holds 64 MiB and keeps four threads busy: twenty log-ins at once must not hold
    twenty times that, and more at once than the cores can run would only hold more memory."""
    import threading
    import time

    stored = passwords.hash_password("long enough phrase")
    busy, most, lock = [0], [0], threading.Lock()
    real = passwords._hasher

    class Watched:
        def verify(self, *args):
            with lock:
                busy[0] += 1
                most[0] = max(most[0], busy[0])
            time.sleep(0.02)
            with lock:
                busy[0] -= 1
            return real.verify(*args)

    monkeypatch.setattr(passwords, "_hasher", Watched())
    attempts = [threading.Thread(target=passwords.verify_password, args=(stored, "guess")) for _ in range(20)]
    for attempt in attempts:
        attempt.start()
    for attempt in attempts:
        attempt.join()
    assert most[0] == passwords.HASHING_AT_ONCE == max(1, (os.cpu_count() or 1) // 4)
