"""Single sign-on: sign-ins sent to a provider and not yet answered, and the identities
(issuer, subject) that provider vouches for (issue #4, #13).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wiki import clock
from wiki.accounts.app_secrets import _digest
from wiki.accounts.users import User, get_user, sign_in_by_verified_email
from wiki.db import Database
from wiki.errors import WikiError


@dataclass
class OidcRequest:
    provider: str
    nonce: str
    code_verifier: str
    next: str


def save_oidc_request(
    db: Database,
    *,
    state: str,
    provider: str,
    nonce: str,
    code_verifier: str,
    browser_secret: str,
    next_path: str,
    minutes: int = 10,
) -> None:
    """Remember a sign-in sent to a provider (PKCE verifier, nonce), keyed by its state."""
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO oidc_requests (state_hash, provider, nonce, code_verifier, browser_hash, next,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_digest(state), provider, nonce, code_verifier, _digest(browser_secret), next_path,
             clock.iso(now), clock.iso(now + timedelta(minutes=minutes))),
        )  # fmt: skip


def take_oidc_request(
    db: Database, *, state: str, provider: str, browser_secret: str | None
) -> OidcRequest | None:
    """The request this provider's answer belongs to, spent at once (single use); ``None``
    if unknown, already used, expired, for another provider or from another browser."""
    with db.write():
        row = db.one("SELECT * FROM oidc_requests WHERE state_hash = ?", (_digest(state),))
        if row is not None:
            db.execute("DELETE FROM oidc_requests WHERE state_hash = ?", (row["state_hash"],))
    if (
        row is None
        or row["provider"] != provider
        or row["expires_at"] <= clock.iso()
        or not browser_secret
        or not secrets.compare_digest(row["browser_hash"], _digest(browser_secret))
    ):
        return None
    return OidcRequest(row["provider"], row["nonce"], row["code_verifier"], row["next"])


class SignInRefused(WikiError):
    status = 403
    code = "sign_in_refused"


def sign_in_by_identity(
    db: Database,
    *,
    provider: str,
    issuer: str,
    subject: str,
    email: str,
    name: str = "",
) -> User:
    """The account for a provider's person: known by (issuer, subject); else linked to the
    account with the same (provider-verified) email; else created."""
    row = db.one(
        "SELECT i.id, u.id AS user_id, u.deleted_at"
        " FROM identities i JOIN users u ON u.id = i.user_id WHERE i.issuer = ? AND i.subject = ?",
        (issuer, subject),
    )
    if row is not None:
        if row["deleted_at"] is not None:
            raise SignInRefused(
                "This account has been closed. Ask the person who runs this planwiki."
            )
        with db.write():
            db.execute("UPDATE identities SET last_used_at = ?, email = ? WHERE id = ?",
                       (clock.iso(), email, row["id"]))  # fmt: skip
        user = get_user(db, row["user_id"])
        assert user is not None
        return user
    user = sign_in_by_verified_email(db, email, name)
    with db.write():
        db.execute(
            "INSERT OR IGNORE INTO identities (user_id, provider, issuer, subject, email,"
            " created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user.id, provider, issuer, subject, email, clock.iso(), clock.iso()),
        )
    return user


def list_identities(db: Database, user_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in db.all(
        "SELECT provider, email, created_at, last_used_at FROM identities"
        " WHERE user_id = ? ORDER BY created_at",
        (user_id,),
    )]  # fmt: skip
