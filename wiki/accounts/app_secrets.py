"""Random secrets: the SHA-256 digest under which every secret is stored (session cookies,
tokens, emailed links, sign-in states), and the app's own long-lived secrets (issue #13).

Only digests are kept, so a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import secrets

from wiki.db import Database


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def digest(secret: str) -> str:
    """The SHA-256 under which a secret (cookie, link, state) is stored."""
    return _digest(secret)


def app_secret(db: Database, name: str) -> str:
    """A long-lived random secret kept in the database (e.g. for signing CSRF tokens)."""
    row = db.one("SELECT value FROM app_secrets WHERE name = ?", (name,))
    if row:
        return str(row["value"])
    with db.write():
        db.execute(
            "INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)",
            (name, secrets.token_hex(32)),
        )
    row = db.one("SELECT value FROM app_secrets WHERE name = ?", (name,))
    assert row is not None
    return str(row["value"])
