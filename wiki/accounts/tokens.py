"""Personal access tokens for the JSON API: shown once, kept only as their SHA-256, revoked
for good (issue #2, #13).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from wiki import clock
from wiki.accounts.app_secrets import _digest
from wiki.accounts.users import User
from wiki.db import Database
from wiki.errors import Invalid
from wiki.models import Actor, Preferences
from wiki.view_log import view_log

TOKEN_PREFIX = "pw_"  # noqa: S105 - a visible prefix, not a secret


def create_token(db: Database, user: User, *, name: str = "script") -> str:
    """A new token, returned once; only its digest is kept."""
    name = name.strip()
    if not name or len(name) > 80:
        raise Invalid(
            "Give the token a name of up to 80 characters, so you can recognise it later.",
            fields={"name": "Enter a name."},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write():
        db.execute(
            "INSERT INTO tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
            (user.id, name, _digest(secret), clock.iso()),
        )
    return secret


@dataclass
class TokenInfo:
    id: int
    name: str
    created_at: str
    last_used_at: str | None


def list_tokens(db: Database, user_id: int) -> list[TokenInfo]:
    """A person's tokens that still work (revoked ones are gone for good)."""
    view_log(db).flush(db)  # as list_sessions
    rows = db.all(
        "SELECT id, name, created_at, last_used_at FROM tokens"
        " WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        (user_id,),
    )
    return [TokenInfo(r["id"], r["name"], r["created_at"], r["last_used_at"]) for r in rows]


def actor_from_token(db: Database, secret: str) -> Actor | None:
    row = db.one(
        "SELECT t.id, t.user_id, t.last_used_at, u.email, u.name, u.preferences"
        " FROM tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.deleted_at IS NULL",
        (_digest(secret),),
    )
    if row is None:
        return None
    now = clock.now()
    if row["last_used_at"] is None or row["last_used_at"] <= clock.iso(now - timedelta(minutes=1)):
        view_log(db).seen(db, token=row["id"])
    return Actor(
        user_id=row["user_id"], email=row["email"], name=row["name"],
        preferences=Preferences.parse(row["preferences"]),
    )  # fmt: skip


def revoke_token(db: Database, user_id: int, token_id: int) -> bool:
    with db.write():
        cur = db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            (clock.iso(), token_id, user_id),
        )
    return cur.rowcount == 1
