"""Server-side sessions: a session is a row, and its cookie is a random secret of which
only the SHA-256 is stored. Deleting the row signs that browser out on its very next
request (issue #2, #4, #13).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from wiki import clock
from wiki.accounts.app_secrets import _digest
from wiki.accounts.users import User
from wiki.db import Database
from wiki.models import Actor, Preferences
from wiki.view_log import view_log


def start_session(
    db: Database, user: User, *, absolute_hours: int, user_agent: str = "", method: str = "password"
) -> str:
    """A new session with a new secret (never reuses one the browser had: no fixation)."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent,"
            " method) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_digest(secret), user.id, clock.iso(now), clock.iso(now),
             clock.iso(now + timedelta(hours=absolute_hours)), user_agent[:200], method),
        )  # fmt: skip
    return secret


def actor_from_session(db: Database, secret: str, *, idle_minutes: int) -> Actor | None:
    session_id = _digest(secret)
    row = db.one(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.email, u.name, u.preferences"
        " FROM sessions s"
        " JOIN users u ON u.id = s.user_id WHERE s.id = ? AND u.deleted_at IS NULL",
        (session_id,),
    )
    if row is None:
        return None
    now = clock.now()
    idle_limit = clock.iso(now - timedelta(minutes=idle_minutes))
    last_seen = max(row["last_seen_at"], view_log(db).last_seen(session=session_id) or "")
    if row["expires_at"] <= clock.iso(now) or last_seen <= idle_limit:
        end_session(db, secret, timed_out=True)
        return None
    # Touch at most once a minute, filed with the page-view log: a page view does not write.
    if last_seen <= clock.iso(now - timedelta(minutes=1)):
        view_log(db).seen(db, session=session_id)
    return Actor(
        user_id=row["user_id"], email=row["email"], name=row["name"], session_id=session_id,
        preferences=Preferences.parse(row["preferences"]),
    )  # fmt: skip


def end_session(db: Database, secret: str, *, timed_out: bool = False) -> None:
    """End a session. One that ``timed_out`` (not one ended by signing out) is remembered
    as its account's for a while, so a form posted with it keeps its words as that
    person's draft (issue #26): it never acts as them."""
    with db.write():
        if timed_out:
            db.execute(
                "INSERT OR REPLACE INTO ended_sessions (id, user_id, ended_at)"
                " SELECT id, user_id, ? FROM sessions WHERE id = ?",
                (clock.iso(), _digest(secret)),
            )
        else:
            db.execute("DELETE FROM ended_sessions WHERE id = ?", (_digest(secret),))
        db.execute("DELETE FROM sessions WHERE id = ?", (_digest(secret),))


def account_of_ended_session(db: Database, secret: str) -> Actor | None:
    """Whose session this was, if it timed out in the last 30 days (issue #26). The answer
    may only be used to keep a posted form's words as that person's private draft."""
    row = db.one(
        "SELECT u.id, u.email, u.name FROM ended_sessions e JOIN users u ON u.id = e.user_id"
        " WHERE e.id = ? AND e.ended_at >= ? AND u.deleted_at IS NULL",
        (_digest(secret), clock.iso(clock.now() - timedelta(days=30))),
    )
    return Actor(user_id=row["id"], email=row["email"], name=row["name"]) if row else None


def end_all_sessions(db: Database, user_id: int, *, except_id: str | None = None) -> int:
    """Sign a person out everywhere (or everywhere but ``except_id``, a session's digest)."""
    with db.write():
        db.execute("DELETE FROM ended_sessions WHERE user_id = ?", (user_id,))
        return db.execute(
            "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", (user_id, except_id)
        ).rowcount


@dataclass
class SessionInfo:
    handle: int  # a public number for the row (never the secret or its digest)
    created_at: str
    last_seen_at: str
    expires_at: str
    user_agent: str
    method: str
    current: bool


def list_sessions(
    db: Database, user_id: int, *, current_id: str | None = None
) -> list[SessionInfo]:
    """A person's sessions that are still alive, newest activity first."""
    view_log(db).flush(db)  # uses noted but not yet filed (a rare page: file them now)
    rows = db.all(
        "SELECT rowid AS handle, id, created_at, last_seen_at, expires_at, user_agent, method"
        " FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC",
        (user_id, clock.iso()),
    )
    return [
        SessionInfo(r["handle"], r["created_at"], r["last_seen_at"], r["expires_at"],
                    r["user_agent"], r["method"], r["id"] == current_id)
        for r in rows
    ]  # fmt: skip


def end_session_by_handle(db: Database, user_id: int, handle: int) -> bool:
    """End one of this person's own sessions (never anyone else's)."""
    with db.write():
        cur = db.execute("DELETE FROM sessions WHERE rowid = ? AND user_id = ?", (handle, user_id))
    return cur.rowcount == 1


def prune_expired(db: Database) -> None:
    """Forget sessions, links and sign-in attempts that can never be used again."""
    now = clock.iso()
    with db.write():
        db.execute(
            "INSERT OR REPLACE INTO ended_sessions (id, user_id, ended_at)"
            " SELECT id, user_id, expires_at FROM sessions WHERE expires_at <= ?",
            (now,),
        )
        db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        db.execute(
            "DELETE FROM ended_sessions WHERE ended_at <= ?",
            (clock.iso(clock.now() - timedelta(days=30)),),
        )
        db.execute(
            "DELETE FROM email_links WHERE expires_at <= ?",
            (clock.iso(clock.now() - timedelta(days=7)),),
        )
        db.execute("DELETE FROM oidc_requests WHERE expires_at <= ?", (now,))
        db.execute(
            "DELETE FROM login_attempts WHERE at <= ?",
            (clock.iso(clock.now() - timedelta(days=1)),),
        )
