"""Emailed links (sign in, reset a password): single use, short-lived, bound to the browser
that asked for them, and kept only as their SHA-256 (issue #4, #13).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from wiki import clock
from wiki.accounts.app_secrets import _digest
from wiki.accounts.users import User
from wiki.db import Database
from wiki.errors import WikiError


class LinkProblem(WikiError):
    """An emailed link that cannot be used: ``kind`` says why, for a page that says what next."""

    status = 400
    code = "bad_link"

    def __init__(self, kind: str) -> None:
        assert kind in ("unknown", "used", "expired", "other-browser")
        super().__init__(kind)
        self.kind = kind


@dataclass
class EmailLink:
    id: int
    purpose: str
    email: str
    user_id: int | None
    next: str
    expires_at: str


def issue_email_link(
    db: Database,
    *,
    purpose: str,
    email: str,
    user: User | None,
    browser_secret: str,
    next_path: str = "/",
    minutes: int = 15,
) -> str:
    """A new single-use link secret for ``email``, bound to the browser that asked."""
    assert purpose in ("sign-in", "reset")
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO email_links (purpose, email, user_id, token_hash, browser_hash, next,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (purpose, email, user.id if user else None, _digest(secret),
             _digest(browser_secret), next_path, clock.iso(now),
             clock.iso(now + timedelta(minutes=minutes))),
        )  # fmt: skip
    return secret


def _find_link(db: Database, secret: str, *, purpose: str, browser_secret: str | None) -> EmailLink:
    row = db.one(
        "SELECT * FROM email_links WHERE token_hash = ? AND purpose = ?", (_digest(secret), purpose)
    )
    if row is None:
        raise LinkProblem("unknown")
    if row["used_at"] is not None:
        raise LinkProblem("used")
    if row["expires_at"] <= clock.iso():
        raise LinkProblem("expired")
    if not browser_secret or not secrets.compare_digest(
        _digest(browser_secret), row["browser_hash"]
    ):
        raise LinkProblem("other-browser")
    return EmailLink(
        row["id"], row["purpose"], row["email"], row["user_id"], row["next"], row["expires_at"]
    )


def check_email_link(
    db: Database, secret: str, *, purpose: str, browser_secret: str | None
) -> EmailLink:
    """The link, if it can still be used by this browser (it stays unused)."""
    return _find_link(db, secret, purpose=purpose, browser_secret=browser_secret)


def use_email_link(
    db: Database, secret: str, *, purpose: str, browser_secret: str | None
) -> EmailLink:
    """Spend the link (once, even if two requests race); older links of its kind die with it."""
    with db.write():
        link = _find_link(db, secret, purpose=purpose, browser_secret=browser_secret)
        db.execute(
            "UPDATE email_links SET used_at = ?"
            " WHERE email = ? AND purpose = ? AND used_at IS NULL",
            (clock.iso(), link.email, purpose),
        )
    return link
