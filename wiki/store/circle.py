"""The circle (members and groups) and grants: who may do what to which section.

Only the owner and stewards change the circle. Sharing a single section needs
``manage`` on it; ``*`` needs manage everywhere (issue #3).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Forbidden, Invalid, NotFound
from wiki.models import Actor
from wiki.store import checks
from wiki.store.audit import record
from wiki.store.context import SiteContext, site_for
from wiki.store.stewards import keep_a_manager


@dataclass
class Member:
    id: int
    email: str
    name: str
    relationship: str
    groups: list[str]


@dataclass
class Grant:
    id: int
    person: str | None
    group: str | None
    section: str
    capability: str
    expires_at: str | None


def _user_id(db: Database, email: str) -> int:
    row = db.one("SELECT id FROM users WHERE email = ? AND deleted_at IS NULL", (email.strip(),))
    if row is None:
        raise NotFound("There is no account with that email address. Invite them instead.")
    return int(row["id"])


def _groups(db: Database, site_id: int) -> dict[str, str]:
    return {
        r["key"]: r["title"]
        for r in db.all("SELECT key, title FROM circle_groups WHERE site_id = ?", (site_id,))
    }


def list_groups(db: Database, actor: Actor, *, site: str | SiteContext) -> dict[str, str]:
    ctx = site_for(db, actor, site)
    ctx.check("see-sharing")
    return _groups(db, ctx.site.id)


def add_group(db: Database, actor: Actor, *, site: str | SiteContext, key: str, title: str) -> None:
    ctx = site_for(db, actor, site)
    ctx.check("manage-circle")
    checks.address(key, "key")
    title = checks.title(title)
    with db.write():
        if key in _groups(db, ctx.site.id):
            raise Conflict("There is already a group with that name.")
        db.execute(
            "INSERT INTO circle_groups (site_id, key, title) VALUES (?, ?, ?)",
            (ctx.site.id, key, title),
        )
        record(db, site_id=ctx.site.id, actor=actor, action="add-group", detail=title)


def list_members(db: Database, actor: Actor, *, site: str | SiteContext) -> list[Member]:
    ctx = site_for(db, actor, site)
    ctx.check("see-sharing")
    rows = db.all(
        "SELECT m.id, u.email, u.name, m.relationship, GROUP_CONCAT(mg.group_key) AS groups"
        " FROM members m JOIN users u ON u.id = m.user_id LEFT JOIN member_groups mg ON mg.member_id = m.id"
        " WHERE m.site_id = ? GROUP BY m.id ORDER BY u.name COLLATE NOCASE",
        (ctx.site.id,),
    )
    return [
        Member(
            r["id"],
            r["email"],
            r["name"],
            r["relationship"],
            sorted((r["groups"] or "").split(",")) if r["groups"] else [],
        )
        for r in rows
    ]


def add_member(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    email: str,
    relationship: str = "",
    groups: list[str] | None = None,
) -> Member:
    ctx = site_for(db, actor, site)
    ctx.check("manage-circle")
    return _add_member(
        db, actor, ctx, user_id=_user_id(db, email), relationship=relationship, groups=groups or []
    )


def _add_member(
    db: Database,
    actor: Actor,
    ctx: SiteContext,
    *,
    user_id: int,
    relationship: str,
    groups: list[str],
) -> Member:
    known = _groups(db, ctx.site.id)
    unknown = [g for g in groups if g not in known]
    if unknown:
        raise Invalid(
            f"No such group: {', '.join(unknown)}. Add the group first.",
            fields={"groups": "Unknown."},
        )
    if policy.owns(ctx.site.owner_id, user_id):
        raise Conflict("That is the young person who owns this plan.")
    relationship = checks.one_line(relationship, "relationship")
    with db.write():
        try:
            member_id = db.execute(
                "INSERT INTO members (site_id, user_id, relationship, created_at) VALUES (?, ?, ?, ?)",
                (ctx.site.id, user_id, relationship, clock.iso()),
            ).lastrowid
        except sqlite3.IntegrityError:
            raise Conflict("That person is already in the circle.") from None
        for group in groups:
            db.execute(
                "INSERT INTO member_groups (member_id, site_id, group_key) VALUES (?, ?, ?)",
                (member_id, ctx.site.id, group),
            )
        email = db.one("SELECT email FROM users WHERE id = ?", (user_id,))["email"]  # type: ignore[index]
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="add-member",
            detail=f"{email} ({relationship}) in {', '.join(groups) or 'no group'}",
        )
    assert member_id is not None
    name = db.one("SELECT name FROM users WHERE id = ?", (user_id,))["name"]  # type: ignore[index]
    return Member(member_id, email, name, relationship, sorted(groups))


def set_member_groups(
    db: Database, actor: Actor, *, site: str | SiteContext, email: str, groups: list[str]
) -> None:
    ctx = site_for(db, actor, site)
    ctx.check("manage-circle")
    user_id = _user_id(db, email)
    known = _groups(db, ctx.site.id)
    if any(g not in known for g in groups):
        raise Invalid("One of those groups does not exist.", fields={"groups": "Unknown."})
    with db.write():
        row = db.one(
            "SELECT id FROM members WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id)
        )
        if row is None:
            raise NotFound("That person is not in the circle.")
        db.execute("DELETE FROM member_groups WHERE member_id = ?", (row["id"],))
        for group in groups:
            db.execute(
                "INSERT INTO member_groups (member_id, site_id, group_key) VALUES (?, ?, ?)",
                (row["id"], ctx.site.id, group),
            )
        keep_a_manager(db, ctx.site)  # leaving a group that manages everything (issue #25)
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="set-groups",
            detail=f"{email}: {', '.join(groups)}",
        )


def remove_member(db: Database, actor: Actor, *, site: str | SiteContext, email: str) -> None:
    """Out of the circle, with all their personal grants: effective on their next request."""
    ctx = site_for(db, actor, site)
    ctx.check("manage-circle")
    user_id = _user_id(db, email)
    if policy.owns(ctx.site.owner_id, user_id):
        raise Forbidden("Nobody can remove the young person from their own plan.")
    with db.write():
        gone = db.execute(
            "DELETE FROM members WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id)
        ).rowcount
        if not gone:
            raise NotFound("That person is not in the circle.")
        db.execute("DELETE FROM grants WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id))
        keep_a_manager(db, ctx.site)  # issue #25: never the plan's last manager
        record(db, site_id=ctx.site.id, actor=actor, action="remove-member", detail=email)


def _grant(row: sqlite3.Row) -> Grant:
    return Grant(
        row["id"],
        row["email"],
        row["group_key"],
        row["section"],
        row["capability"],
        row["expires_at"],
    )


_GRANTS_SQL = """
SELECT g.*, u.email FROM grants g LEFT JOIN users u ON u.id = g.user_id WHERE g.site_id = ?
"""


def list_grants(db: Database, actor: Actor, *, site: str | SiteContext) -> list[Grant]:
    ctx = site_for(db, actor, site)
    ctx.check("see-sharing")
    return [_grant(r) for r in db.all(_GRANTS_SQL + " ORDER BY g.id", (ctx.site.id,))]


def add_grant(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    section: str,
    capability: str,
    person: str | None = None,
    group: str | None = None,
    expires_at: str | None = None,
) -> Grant:
    ctx = site_for(db, actor, site)
    if section != "*":
        ctx.section(section)  # NotFound unless you can see it
    if not ctx.allows("share", section):
        raise Forbidden("You cannot change who sees that section.")
    if (person is None) == (group is None):
        raise Invalid("Give either a person or a group.", fields={"person": "Choose one."})
    if capability not in ("view", "edit", "manage"):
        raise Invalid("Choose view, edit or manage.", fields={"capability": "Unknown."})
    if expires_at is not None and expires_at <= clock.iso():
        raise Invalid("The end date must be in the future.", fields={"expires_at": "In the past."})
    with db.write():
        user_id = None
        if person is not None:
            user_id = _user_id(db, person)
            if not db.one(
                "SELECT 1 FROM members WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id)
            ):
                raise Invalid(
                    "Add that person to the circle first.", fields={"person": "Not in the circle."}
                )
        elif group not in _groups(db, ctx.site.id):
            raise Invalid("There is no such group in this circle.", fields={"group": "Unknown."})
        grant_id = db.execute(
            "INSERT INTO grants (site_id, user_id, group_key, section, capability, expires_at, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.site.id,
                user_id,
                group,
                section,
                capability,
                expires_at,
                actor.user_id,
                clock.iso(),
            ),
        ).lastrowid
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="share",
            section=section,
            detail=f"{capability} to {person or 'group ' + str(group)}"
            + (f" until {expires_at}" if expires_at else ""),
        )
        row = db.one(_GRANTS_SQL + " AND g.id = ?", (ctx.site.id, grant_id))
    assert row is not None
    return _grant(row)


def has_grant(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    section: str,
    capability: str,
    person: str,
    expires_at: str | None = None,
) -> bool:
    """Is this very grant (person, section, capability, end) there already? For callers
    that must not add the same thing twice (the review runner, issue #23)."""
    ctx = site_for(db, actor, site)
    ctx.check("see-sharing")
    return (
        db.one(
            "SELECT 1 FROM grants g JOIN users u ON u.id = g.user_id WHERE g.site_id = ?"
            " AND u.email = ? AND g.section = ? AND g.capability = ? AND g.expires_at IS ?",
            (ctx.site.id, person, section, capability, expires_at),
        )
        is not None
    )


def revoke_grant(db: Database, actor: Actor, *, site: str | SiteContext, grant_id: int) -> None:
    ctx = site_for(db, actor, site)
    row = db.one(_GRANTS_SQL + " AND g.id = ?", (ctx.site.id, grant_id))
    visible = row is not None and (
        ctx.allows("see-sharing")
        or (row["section"] != "*" and row["section"] in {s.key for s in ctx.sections})
    )
    if row is None or not visible:
        # A rule about something you cannot see does not exist for you (no id probing).
        raise NotFound("There is no such sharing rule.")
    if not ctx.allows("share", row["section"]):
        raise Forbidden("You cannot change who sees that section.")
    with db.write():
        db.execute("DELETE FROM grants WHERE id = ?", (grant_id,))
        keep_a_manager(db, ctx.site)  # issue #25: a person's or a group's, the last one stays
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="unshare",
            section=row["section"],
            detail=f"{row['capability']} from {row['email'] or 'group ' + str(row['group_key'])}",
        )
