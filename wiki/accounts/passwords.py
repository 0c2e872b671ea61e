"""Passwords: how strong a new one must be, and the hash they are kept under (issue #13).

Storing and checking a person's password against their account is in ``users.py``; this
module knows nothing of accounts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wiki.errors import Invalid

_hasher = PasswordHasher()
# Verifying against this keeps "no such account" as slow as "wrong password".
_DUMMY_HASH = _hasher.hash("planwiki-dummy-password")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 hashes anything, but nobody types more than this


def hash_password(password: str) -> str:
    """The argon2 hash a password is stored under (never the password itself)."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Does ``password`` match the ``stored`` hash? Without one, a dummy hash is checked
    anyway, so that "no such account" is as slow as "wrong password"."""
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(stored)


# ---- password strength -----------------------------------------------------------------

COMMON_PASSWORDS_FILE = Path(__file__).parent.parent / "data" / "common-passwords.txt"
_AFFIX = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")
WEAK_PASSWORD = (
    "That password is too easy to guess: it is one of the passwords people use most, which"  # noqa: S105
    " criminals try first. Try three or four random words together, like 'pickle timetable heron'."
)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common (breached) passwords, lower-case."""
    return frozenset(COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").split())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this would be a poor new password, in plain words; ``None`` when it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"Choose a password of at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Choose a password of at most {MAX_PASSWORD} characters."
    if password.strip() != password or not password.strip():
        return "Do not start or end your password with a space."
    lowered = password.lower()
    common = common_passwords()
    core = _AFFIX.match(lowered)
    stem = core.group(1) if core else lowered
    if lowered in common or stem in common or lowered.isdigit() or len(set(lowered)) <= 3:
        return WEAK_PASSWORD
    if stem in ("planwiki", "password", "passw0rd", "letmein", "welcome", "qwerty"):
        return WEAK_PASSWORD
    # Not the person's own name or email with a few characters added.
    personal = [
        w
        for w in re.split(r"[^a-z0-9]+", (email.split("@")[0] + " " + name).lower())
        if len(w) >= 3
    ]
    remainder = lowered.replace(email.lower(), "") if email else lowered
    for word in sorted(personal, key=len, reverse=True):
        remainder = remainder.replace(word, "")
    if personal and len(re.sub(r"[\W_]", "", remainder)) < 6:
        return (
            "Your password must not be your name or email address."
            " Try three or four random words together."
        )
    return None


def check_password_strength(password: str, *, email: str = "", name: str = "") -> None:
    """Raise ``Invalid`` (with the plain reason) when this would be a poor new password."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise Invalid(problem, fields={"password": problem})
