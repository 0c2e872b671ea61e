"""Invitations by email into the circle: single-use links that last a week, accepted only
by the account they were sent to (issues #3, #14, #23, #25). Guest links are their own
concept, in ``wiki.store.links``."""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Forbidden, Invalid, NotFound
from wiki.models import Actor
from wiki.store import checks
from wiki.store.audit import record
from wiki.store.circle import _add_member, add_grant
from wiki.store.context import SiteContext, site_for
from wiki.store.links import _digest

INVITE_DAYS = 7


@dataclass
class Invitation:
    id: int
    email: str
    relationship: str
    groups: list[str]
    grants: list[dict[str, str]]
    expires_at: str
    accepted_at: str | None
    site_slug: str = ""
    site_title: str = ""
    token: str | None = None
    name: str = ""  # what the inviter called them ("Sami"), for pages that speak in names

    @property
    def live(self) -> bool:
        return self.accepted_at is None and self.expires_at > clock.iso()

    @property
    def called(self) -> str:
        """How the sharing page names them: the name given, else "someone new"."""
        return self.name or "someone new"


def _invitation(row: sqlite3.Row, token: str | None = None) -> Invitation:
    return Invitation(
        row["id"],
        row["email"],
        row["relationship"],
        json.loads(row["groups"]),
        json.loads(row["grants"]),
        row["expires_at"],
        row["accepted_at"],
        dict(row).get("slug", ""),
        dict(row).get("title", ""),
        token,
        dict(row).get("name", "") or "",
    )


def create_invitation(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    email: str,
    relationship: str = "",
    groups: list[str] | None = None,
    grants: list[dict[str, str]] | None = None,
    name: str = "",
) -> Invitation:
    """Owner or steward invites someone by email; the link is single-use and lasts 7 days.
    ``name`` is what the inviter calls them, so the page can say "Sami" (issue #14)."""
    ctx = site_for(db, actor, site)
    ctx.check("invite")
    relationship = checks.one_line(relationship, "relationship")
    name = checks.name(name) if name.strip() else ""
    groups, grants = groups or [], grants or []
    known = {
        r["key"] for r in db.all("SELECT key FROM circle_groups WHERE site_id = ?", (ctx.site.id,))
    }
    if any(g not in known for g in groups):
        raise Invalid(
            "One of those groups does not exist in this circle.", fields={"groups": "Unknown."}
        )
    for grant in grants:
        if grant.get("capability") not in ("view", "edit", "manage") or not grant.get("section"):
            raise Invalid(
                "Each starting grant needs a section and view, edit or manage.",
                fields={"grants": "Invalid."},
            )
        if grant["section"] != "*":
            ctx.section(grant["section"])
    if db.one(
        "SELECT 1 FROM members m JOIN users u ON u.id = m.user_id WHERE m.site_id = ? AND u.email = ?",
        (ctx.site.id, email),
    ):
        raise Conflict("That person is already in the circle.")
    token = secrets.token_urlsafe(24)
    expires = clock.iso(clock.now() + timedelta(days=INVITE_DAYS))
    with db.write():
        invite_id = db.execute(
            "INSERT INTO invitations (site_id, email, relationship, groups, grants, token_hash, expires_at,"
            " created_by, created_at, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.site.id,
                email,
                relationship,
                json.dumps(groups),
                json.dumps(grants),
                _digest(token),
                expires,
                actor.user_id,
                clock.iso(),
                name.strip()[:120],
            ),
        ).lastrowid
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="invite",
            detail=f"{email} ({relationship})",
        )
        row = db.one("SELECT * FROM invitations WHERE id = ?", (invite_id,))
    assert row is not None
    found = _invitation(row, token)
    found.site_slug, found.site_title = ctx.site.slug, ctx.site.title
    return found


def list_invitations(db: Database, actor: Actor, *, site: str | SiteContext) -> list[Invitation]:
    """Invitations not yet accepted (still good or lapsed), newest first, for the sharing
    page to list with cancel and resend (issue #14)."""
    ctx = site_for(db, actor, site)
    ctx.check("invite")
    rows = db.all(
        "SELECT * FROM invitations WHERE site_id = ? AND accepted_at IS NULL ORDER BY id DESC",
        (ctx.site.id,),
    )
    return [_invitation(r) for r in rows]


def _pending(db: Database, ctx: SiteContext, invite_id: int) -> sqlite3.Row:
    row = db.one(
        "SELECT * FROM invitations WHERE id = ? AND site_id = ? AND accepted_at IS NULL",
        (invite_id, ctx.site.id),
    )
    if row is None:
        raise NotFound("There is no such invitation waiting. It may have been accepted.")
    return row


def _ended(db: Database, row: sqlite3.Row, reason: str) -> None:
    """Keep the digest of a link that stops working, so that it can say why (issue #23)."""
    db.execute(
        "INSERT OR REPLACE INTO ended_invitations (token_hash, site_id, reason, ended_at)"
        " VALUES (?, ?, ?, ?)",
        (row["token_hash"], row["site_id"], reason, clock.iso()),
    )


_ENDED = {
    "cancelled": "This invitation was cancelled by the person who sent it. If you think that"
    " is a mistake, ask them to invite you again.",
    "replaced": "A newer invitation was sent to you, so this link no longer works. Use the link"
    " in the newest email.",
}


def cancel_invitation(
    db: Database, actor: Actor, *, site: str | SiteContext, invite_id: int
) -> Invitation:
    """The link stops working at once; the invitation is gone from the list."""
    ctx = site_for(db, actor, site)
    ctx.check("invite")
    with db.write():
        row = _pending(db, ctx, invite_id)
        _ended(db, row, "cancelled")
        db.execute("DELETE FROM invitations WHERE id = ?", (invite_id,))
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="cancel-invite",
            detail=f"{row['email']} ({row['name'] or row['relationship']})",
        )
    return _invitation(row)


def resend_invitation(
    db: Database, actor: Actor, *, site: str | SiteContext, invite_id: int
) -> Invitation:
    """A fresh link for seven more days; the old link stops working (only one is ever live)."""
    ctx = site_for(db, actor, site)
    ctx.check("invite")
    token = secrets.token_urlsafe(24)
    with db.write():
        _ended(db, _pending(db, ctx, invite_id), "replaced")
        db.execute(
            "UPDATE invitations SET token_hash = ?, expires_at = ? WHERE id = ?",
            (_digest(token), clock.iso(clock.now() + timedelta(days=INVITE_DAYS)), invite_id),
        )
        row = db.one("SELECT * FROM invitations WHERE id = ?", (invite_id,))
        assert row is not None
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="resend-invite",
            detail=f"{row['email']} ({row['name'] or row['relationship']})",
        )
    found = _invitation(row, token)
    found.site_slug, found.site_title = ctx.site.slug, ctx.site.title
    return found


def open_invitation(db: Database, token: str) -> Invitation:
    """The invitation behind a link, if it is still good; NotFound otherwise (says why)."""
    row = db.one(
        "SELECT i.*, s.slug, s.title FROM invitations i JOIN sites s ON s.id = i.site_id WHERE i.token_hash = ?",
        (_digest(token),),
    )
    if row is None:
        ended = db.one("SELECT reason FROM ended_invitations WHERE token_hash = ?",
                       (_digest(token),))  # fmt: skip
        raise NotFound(
            _ENDED[ended["reason"]]
            if ended
            else "This invitation link is not valid. Check you copied all of it, or ask for a new one."
        )
    if row["accepted_at"]:
        raise NotFound(
            "This invitation has already been used. If it was you, sign in; if not, ask for a new one."
        )
    if row["expires_at"] <= clock.iso():
        raise NotFound(
            "This invitation has expired (they last 7 days). Ask the person who invited you to send a new one."
        )
    return _invitation(row)


def accept_invitation(db: Database, token: str, *, user_id: int) -> Invitation:
    """Join the circle with the invited groups and starting grants. Works once, and only for
    the account with the address the invitation went to (issue #25: checked here, not only
    by the page, so no caller can hand someone else's invitation to another account)."""
    invite = open_invitation(db, token)
    joining = db.one("SELECT email FROM users WHERE id = ? AND deleted_at IS NULL", (user_id,))
    if joining is None or joining["email"].lower() != invite.email.lower():
        raise Forbidden("This invitation was sent to someone else.")
    site_row = db.one("SELECT * FROM invitations WHERE token_hash = ?", (_digest(token),))
    assert site_row is not None
    inviter_row = db.one(
        "SELECT id, email, name FROM users WHERE id = ?", (site_row["created_by"],)
    )
    # Act as the person who sent the invitation, and only with the rights they still have.
    inviter = (
        Actor(user_id=inviter_row["id"], email=inviter_row["email"], name=inviter_row["name"])
        if inviter_row
        else Actor()
    )
    with db.write():
        claimed = db.execute(
            "UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ? AND accepted_at IS NULL",
            (clock.iso(), user_id, invite.id),
        ).rowcount
        if not claimed:
            raise NotFound("This invitation has already been used.")
        ctx = site_for(db, inviter, invite.site_slug)
        ctx.check("invite")
        if not db.one(
            "SELECT 1 FROM members WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id)
        ):
            _add_member(
                db,
                inviter,
                ctx,
                user_id=user_id,
                relationship=invite.relationship,
                groups=invite.groups,
            )
        email = db.one("SELECT email FROM users WHERE id = ?", (user_id,))["email"]  # type: ignore[index]
        for grant in invite.grants:
            # A share chosen "until" a day keeps that end (issue #14); one already over is not given.
            until = grant.get("expires_at")
            if until and until <= clock.iso():
                continue
            add_grant(
                db,
                inviter,
                site=invite.site_slug,
                section=grant["section"],
                capability=grant["capability"],
                person=email,
                expires_at=until,
            )
        record(
            db,
            site_id=ctx.site.id,
            actor=Actor(user_id=user_id, email=email),
            action="join",
            detail=f"accepted the invitation as {invite.relationship or 'a circle member'}",
        )
    return invite
