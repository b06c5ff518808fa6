"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 1024

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class PasswordPolicyError(ValueError):
    """Raised when a new password does not meet the policy."""


@cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip() for line in path.read_text("utf-8").splitlines() if line.strip())


def _normalise(password: str) -> str:
    # NFKC so that the same password typed on different keyboards hashes the same.
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(_normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches the hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, _normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_password_policy(password: str, *, email: str = "", name: str = "") -> None:
    """Raise PasswordPolicyError when the password is too short, too long or too common."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(_l("Passordet må ha minst %(n)d tegn.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(_l("Passordet kan ha høyst %(n)d tegn.", n=MAX_LENGTH))
    lowered = _normalise(password).lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    common = _common_passwords()
    if lowered in common or stem in common or len(set(lowered)) < 4:
        raise PasswordPolicyError(
            _l("Passordet er for vanlig. Velg et som er vanskeligere å gjette.")
        )
    local = email.split("@", 1)[0].lower()
    if (local and len(local) > 3 and local in lowered) or (name and name.lower() == lowered):
        raise PasswordPolicyError(
            _l("Passordet kan ikke inneholde e-postadressen eller navnet ditt.")
        )
