"""People and how they prove who they are: passwords, server-side sessions, API tokens.

Session cookies and tokens are random secrets; only their SHA-256 is stored, so a
copy of the database does not let anyone sign in. A session is a row: deleting it
signs that browser out on its very next request (issue #2, #4).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Invalid, SlowDown
from wiki.models import Actor

_hasher = PasswordHasher()
# Verifying against this keeps "no such account" as slow as "wrong password".
_DUMMY_HASH = _hasher.hash("planwiki-dummy-password")
MIN_PASSWORD = 10
TOKEN_PREFIX = "pw_"


@dataclass
class User:
    id: int
    email: str
    name: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    email = email.strip()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise Invalid("Enter an email address like name@example.org.", fields={"email": "Enter an email address."})
    return email.lower()


def find_user(db: Database, email: str) -> User | None:
    row = db.one("SELECT id, email, name FROM users WHERE email = ? AND deleted_at IS NULL", (email.strip(),))
    return User(row["id"], row["email"], row["name"]) if row else None


def create_user(db: Database, *, email: str, name: str, password: str | None = None) -> User:
    email = normalise_email(email)
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid("Enter a name of up to 120 characters.", fields={"name": "Enter a name."})
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid(
            f"Choose a password of at least {MIN_PASSWORD} characters.",
            fields={"password": "Too short."},
        )
    with db.write():
        if find_user(db, email):
            raise Conflict("There is already an account with that email address.")
        user_id = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (email, name, _hasher.hash(password) if password else None, clock.iso()),
        ).lastrowid
    assert user_id is not None
    return User(user_id, email, name)


def check_password(db: Database, *, email: str, password: str) -> User | None:
    row = db.one(
        "SELECT id, email, name, password_hash FROM users WHERE email = ? AND deleted_at IS NULL",
        (email.strip(),),
    )
    stored = row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row["password_hash"]:
        return None
    return User(row["id"], row["email"], row["name"])


# ---- rate limits -----------------------------------------------------------------------


def check_rate(db: Database, keys: list[str], *, limit: int, window_minutes: int = 15) -> None:
    """Raise SlowDown when any key has had ``limit`` failures inside the window."""
    since = clock.iso(clock.now() - timedelta(minutes=window_minutes))
    for key in keys:
        row = db.one(
            "SELECT COUNT(*) AS n, MIN(at) AS first FROM login_attempts WHERE key = ? AND at > ?", (key, since)
        )
        if row and row["n"] >= limit:
            first = clock.now().fromisoformat(row["first"])
            wait = max(1, int((first + timedelta(minutes=window_minutes) - clock.now()).total_seconds() // 60) + 1)
            raise SlowDown(
                f"Too many tries. Please wait {wait} minute{'s' if wait != 1 else ''} and try again.",
                retry_after=wait * 60,
            )


def note_failure(db: Database, keys: list[str]) -> None:
    with db.write():
        for key in keys:
            db.execute("INSERT INTO login_attempts (key, at) VALUES (?, ?)", (key, clock.iso()))


def clear_failures(db: Database, keys: list[str]) -> None:
    with db.write():
        for key in keys:
            db.execute("DELETE FROM login_attempts WHERE key = ?", (key,))


# ---- sessions --------------------------------------------------------------------------


def start_session(
    db: Database, user: User, *, absolute_hours: int, user_agent: str = "", method: str = "password"
) -> str:
    """A new session with a new secret (never reuses one the browser had: no fixation)."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, method)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_digest(secret), user.id, clock.iso(now), clock.iso(now),
             clock.iso(now + timedelta(hours=absolute_hours)), user_agent[:200], method),
        )  # fmt: skip
    return secret


def actor_from_session(db: Database, secret: str, *, idle_minutes: int) -> Actor | None:
    session_id = _digest(secret)
    row = db.one(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.email, u.name FROM sessions s"
        " JOIN users u ON u.id = s.user_id WHERE s.id = ? AND u.deleted_at IS NULL",
        (session_id,),
    )
    if row is None:
        return None
    now = clock.now()
    idle_limit = clock.iso(now - timedelta(minutes=idle_minutes))
    if row["expires_at"] <= clock.iso(now) or row["last_seen_at"] <= idle_limit:
        end_session(db, secret)
        return None
    # Touch at most once a minute: a page view should not be a write.
    if row["last_seen_at"] <= clock.iso(now - timedelta(minutes=1)):
        with db.write():
            db.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?", (clock.iso(now), session_id))
    return Actor(user_id=row["user_id"], email=row["email"], name=row["name"], session_id=session_id)


def end_session(db: Database, secret: str) -> None:
    with db.write():
        db.execute("DELETE FROM sessions WHERE id = ?", (_digest(secret),))


def end_all_sessions(db: Database, user_id: int) -> int:
    with db.write():
        return db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount


# ---- personal access tokens ------------------------------------------------------------


def create_token(db: Database, user: User, *, name: str = "script") -> str:
    """A new token, returned once; only its digest is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write():
        db.execute(
            "INSERT INTO tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
            (user.id, name[:80], _digest(secret), clock.iso()),
        )
    return secret


def actor_from_token(db: Database, secret: str) -> Actor | None:
    row = db.one(
        "SELECT t.id, t.user_id, t.last_used_at, u.email, u.name FROM tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.deleted_at IS NULL",
        (_digest(secret),),
    )
    if row is None:
        return None
    now = clock.now()
    if row["last_used_at"] is None or row["last_used_at"] <= clock.iso(now - timedelta(minutes=1)):
        with db.write():
            db.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?", (clock.iso(now), row["id"]))
    return Actor(user_id=row["user_id"], email=row["email"], name=row["name"])


def revoke_token(db: Database, user_id: int, token_id: int) -> bool:
    with db.write():
        cur = db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            (clock.iso(), token_id, user_id),
        )
    return cur.rowcount == 1


def app_secret(db: Database, name: str) -> str:
    """A long-lived random secret kept in the database (e.g. for signing CSRF tokens)."""
    row = db.one("SELECT value FROM app_secrets WHERE name = ?", (name,))
    if row:
        return str(row["value"])
    with db.write():
        db.execute("INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)", (name, secrets.token_hex(32)))
    row = db.one("SELECT value FROM app_secrets WHERE name = ?", (name,))
    assert row is not None
    return str(row["value"])
