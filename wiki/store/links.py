"""Guest links: read-only windows on one section (issue #3).

A random secret handed out once; only its SHA-256 digest is stored. A guest link expires
and can be revoked at any time. Invitations into the circle are in
``wiki.store.invitations``.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from wiki import clock
from wiki.dates import day_month_year
from wiki.db import Database
from wiki.errors import Forbidden, Invalid, NotFound
from wiki.models import Actor
from wiki.store import checks
from wiki.store.audit import record, view_log
from wiki.store.context import SiteContext, site_for

GUEST_DAYS_DEFAULT = 30


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class GuestLink:
    id: int
    section: str
    label: str
    expires_at: str
    revoked_at: str | None
    created_at: str
    views: int = 0
    token: str | None = None  # only when just created: shown once

    @property
    def live(self) -> bool:
        return self.revoked_at is None and self.expires_at > clock.iso()


def _link(row: sqlite3.Row, token: str | None = None) -> GuestLink:
    return GuestLink(
        row["id"],
        row["section"],
        row["label"],
        row["expires_at"],
        row["revoked_at"],
        row["created_at"],
        dict(row).get("views", 0),
        token,
    )


def create_guest_link(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    section: str,
    expires_at: str | None = None,
    label: str = "",
) -> GuestLink:
    ctx = site_for(db, actor, site)
    ctx.section(section)
    if not ctx.allows("make-guest-link", section):
        raise Forbidden("You cannot make a guest link for that section.")
    label = checks.one_line(label, "label", max_length=120)
    expires = expires_at or clock.iso(clock.now() + timedelta(days=GUEST_DAYS_DEFAULT))
    if expires <= clock.iso():
        raise Invalid("The end date must be in the future.", fields={"expires_at": "In the past."})
    if expires > clock.iso(clock.now() + timedelta(days=366)):
        raise Invalid(
            "A guest link can last a year at most.", fields={"expires_at": "Too far ahead."}
        )
    token = secrets.token_urlsafe(24)
    with db.write():
        link_id = db.execute(
            "INSERT INTO guest_links (site_id, section, token_hash, label, expires_at, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.site.id,
                section,
                _digest(token),
                label[:120],
                expires,
                actor.user_id,
                clock.iso(),
            ),
        ).lastrowid
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="guest-link",
            section=section,
            detail=f"link {link_id} ({label or 'no label'}) until {day_month_year(expires)}",
        )
        row = db.one("SELECT * FROM guest_links WHERE id = ?", (link_id,))
    assert row is not None
    return _link(row, token)


def list_guest_links(db: Database, actor: Actor, *, site: str | SiteContext) -> list[GuestLink]:
    """Links on sections the actor may share, with how often each was opened."""
    ctx = site_for(db, actor, site)
    view_log(db).flush(db)  # count every view up to this moment
    rows = db.all(
        "SELECT l.*, (SELECT COUNT(*) FROM audit a WHERE a.guest_link_id = l.id AND a.action = 'view') AS views"
        " FROM guest_links l WHERE l.site_id = ? ORDER BY l.created_at DESC",
        (ctx.site.id,),
    )
    return [_link(r) for r in rows if ctx.allows("make-guest-link", r["section"])]


def revoke_guest_link(db: Database, actor: Actor, *, site: str | SiteContext, link_id: int) -> None:
    ctx = site_for(db, actor, site)
    row = db.one("SELECT * FROM guest_links WHERE id = ? AND site_id = ?", (link_id, ctx.site.id))
    if row is None or not ctx.allows("make-guest-link", row["section"]):
        raise NotFound("There is no such link.")
    with db.write():
        db.execute(
            "UPDATE guest_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (clock.iso(), link_id),
        )
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="revoke-link",
            section=row["section"],
            detail=f"link {link_id} ({row['label'] or 'no label'})",
        )


def guest_actor(db: Database, token: str) -> Actor | None:
    """The read-only actor for a live guest link, or None (unknown, revoked or expired)."""
    row = db.one(
        "SELECT l.id, l.section, l.site_id FROM guest_links l WHERE l.token_hash = ?"
        " AND l.revoked_at IS NULL AND l.expires_at > ?",
        (_digest(token), clock.iso()),
    )
    if row is None:
        return None
    return Actor(
        guest_link_id=row["id"],
        guest_site_id=row["site_id"],
        guest_section=row["section"],
        name="Guest",
    )


def guest_site_slug(db: Database, actor: Actor) -> str:
    row = db.one("SELECT slug FROM sites WHERE id = ?", (actor.guest_site_id,))
    if row is None:
        raise NotFound()
    return str(row["slug"])
