"""What the owner and stewards see about their plan: the audit log, who has looked,
a preview as someone else, and the growing-up handover of control (issue #3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.errors import Invalid, NotFound
from wiki.models import Actor, Capability, GrantRow, Preferences, end_of_compulsory_school_age
from wiki.store.audit import record, view_log
from wiki.store.context import SiteContext, circle_accesses, site_for
from wiki.store.stewards import keep_a_manager


@dataclass
class AuditEntry:
    at: str
    who: str  # a name, "Guest link: <label>", or "a former member"
    email: str | None
    action: str
    section: str | None
    page_title: str | None
    detail: str


def list_audit(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    person: str | None = None,
    section: str | None = None,
    action: str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    ctx = site_for(db, actor, site)
    ctx.check("see-audit")
    view_log(db).flush(db)  # so the owner sees views up to this moment
    where: list[str] = ["a.site_id = ?"]
    params: list[object] = [ctx.site.id]
    if person:
        if person.startswith("link:") and person[5:].isdigit():
            where.append("a.guest_link_id = ?")
            params.append(int(person[5:]))
        else:
            where.append("u.email = ?")
            params.append(person)
    if section:
        where.append("a.section = ?")
        params.append(section)
    if action == "view":
        where.append("a.action = 'view'")
    elif action == "change":
        where.append("a.action != 'view'")
    rows = db.all(
        "SELECT a.*, u.name, u.email, l.label, p.title AS page_title FROM audit a"  # noqa: S608
        " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN guest_links l ON l.id = a.guest_link_id"
        " LEFT JOIN pages p ON p.id = a.page_id"
        f" WHERE {' AND '.join(where)} ORDER BY a.id DESC LIMIT ?",
        [*params, limit],
    )
    return [
        AuditEntry(
            at=r["at"],
            who=r["name"]
            or (
                f"Guest link: {r['label'] or 'no label'}"
                if r["guest_link_id"]
                # said no thanks from the emailed link, without an account (issue #23)
                else "the person it was offered to"
                if r["action"] == "decline-offer"
                else "a former member"
            ),
            email=r["email"],
            action=r["action"],
            section=r["section"],
            page_title=r["page_title"],
            detail=r["detail"],
        )
        for r in rows
    ]


def who_has_looked(
    db: Database, actor: Actor, *, site: str | SiteContext, days: int = 30
) -> list[dict[str, Any]]:
    """Other people's (and guest links') views in the last ``days``, most recent first."""
    ctx = site_for(db, actor, site)
    ctx.check("see-audit")
    view_log(db).flush(db)
    since = clock.iso(clock.now() - timedelta(days=days))
    rows = db.all(
        "SELECT COALESCE(u.name, 'Guest link: ' || COALESCE(NULLIF(l.label, ''), 'no label')) AS who,"
        " COUNT(*) AS views, MAX(a.at) AS last, GROUP_CONCAT(DISTINCT a.section) AS sections"
        " FROM audit a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN guest_links l ON l.id = a.guest_link_id"
        " WHERE a.site_id = ? AND a.action = 'view' AND a.at > ?"
        " AND (a.user_id IS NULL OR a.user_id != ?) GROUP BY a.user_id, a.guest_link_id ORDER BY last DESC",
        (ctx.site.id, since, actor.user_id),
    )
    return [dict(r) for r in rows]


def preview_actor(db: Database, actor: Actor, *, site: str | SiteContext, who: str) -> Actor:
    """Who to preview the site as, read-only: a circle member (email), a guest link
    (``link:<id>``), a circle group (``group:<key>``: what its grants give) or a pending
    invitation (``invite:<id>``: what it would give once accepted, issue #23)."""
    ctx = site_for(db, actor, site)
    ctx.check("view-as")
    if who.startswith("link:") and who[5:].isdigit():
        row = db.one(
            "SELECT * FROM guest_links WHERE id = ? AND site_id = ?", (int(who[5:]), ctx.site.id)
        )
        if row is None:
            raise NotFound("There is no such link.")
        return Actor(
            guest_link_id=row["id"],
            guest_site_id=ctx.site.id,
            guest_section=row["section"],
            name="Guest",
        )
    kind, _, ident = who.partition(":")
    if kind == "group":
        group = db.one("SELECT title FROM circle_groups WHERE site_id = ? AND key = ?",
                       (ctx.site.id, ident))  # fmt: skip
        if group is None:
            raise NotFound("There is no such group.")
        return Actor(name=f"the {group['title']} group", preview_of=f"group:{ident}")
    if kind == "invite" and ident.isdigit():
        invite = db.one(
            "SELECT id, email, name FROM invitations WHERE id = ? AND site_id = ?"
            " AND accepted_at IS NULL AND expires_at > ?",
            (int(ident), ctx.site.id, clock.iso()),
        )
        if invite is None:
            raise NotFound("There is no such invitation waiting.")
        return Actor(email=invite["email"], name=invite["name"] or invite["email"],
                     preview_of=f"invite:{invite['id']}")  # fmt: skip
    row = db.one(
        "SELECT u.id, u.email, u.name, u.preferences FROM members m JOIN users u"
        " ON u.id = m.user_id WHERE m.site_id = ? AND u.email = ?",
        (ctx.site.id, who),
    )
    if row is None:
        raise NotFound("That person is not in the circle.")
    # Their reading choices too: the preview speaks the words they get (easy read or not).
    return Actor(user_id=row["id"], email=row["email"], name=row["name"],
                 preferences=Preferences.parse(row["preferences"]))  # fmt: skip


# ---- growing up ---------------------------------------------------------------------------


@dataclass
class ControlStatus:
    due_on: date | None
    due: bool  # the day has come
    reviewed: bool  # the young person has decided
    stewards: list[dict[str, Any]]

    @property
    def pending(self) -> bool:
        return self.due and not self.reviewed

    @property
    def soon(self) -> bool:
        """Within 60 days of the day (issue #14): the young person's home links here."""
        return bool(
            self.due_on and not self.due and clock.now().date() >= self.due_on - timedelta(days=60)
        )


def control_status(db: Database, actor: Actor, *, site: str | SiteContext) -> ControlStatus:
    """When the decisions pass to the young person, and who manages the plan now: for the
    young person and the stewards only — for anyone else it does not exist (issue #14),
    since the day tells how old the young person is."""
    ctx = site_for(db, actor, site)
    if not ctx.allows("see-growing-up"):
        raise NotFound()
    born = ctx.site.date_of_birth
    due_on = end_of_compulsory_school_age(date.fromisoformat(born)) if born else None
    reviewed = db.one("SELECT 1 FROM control_reviews WHERE site_id = ?", (ctx.site.id,)) is not None
    stewards = []
    if ctx.allows("see-stewards"):
        # Everyone who is a steward right now, through a personal grant or a group's.
        circle = circle_accesses(db, ctx.site)
        for r in db.all(
            "SELECT u.id, u.email, u.name, m.relationship FROM members m JOIN users u ON u.id = m.user_id"
            " WHERE m.site_id = ? ORDER BY u.name",
            (ctx.site.id,),
        ):
            if policy.allowed(circle[r["id"]], "manage-circle"):
                stewards.append(
                    {"email": r["email"], "name": r["name"], "relationship": r["relationship"]}
                )
    return ControlStatus(due_on, bool(due_on and clock.now().date() >= due_on), reviewed, stewards)


def decide_control(
    db: Database, actor: Actor, *, site: str | SiteContext, decisions: dict[str, str]
) -> None:
    """The young person keeps each steward, makes them an editor, or removes them."""
    ctx = site_for(db, actor, site)
    ctx.check("decide-at-16")
    status = control_status(db, actor, site=ctx)
    if not status.due:
        raise Invalid("This choice opens when you reach the end of compulsory school age.")
    known = {s["email"] for s in status.stewards}
    if set(decisions) != known or any(
        v not in ("keep", "editor", "remove") for v in decisions.values()
    ):
        raise Invalid(
            "Choose keep, editor or remove for each person.", fields={"decisions": "Incomplete."}
        )
    with db.write():
        for email, choice in decisions.items():
            user_id = db.one("SELECT id FROM users WHERE email = ?", (email,))["id"]  # type: ignore[index]
            if choice in ("editor", "remove"):
                _stop_managing_everything(db, ctx.site.id, user_id)
            if choice == "editor":
                db.execute(
                    "INSERT INTO grants (site_id, user_id, section, capability, created_by, created_at)"
                    " VALUES (?, ?, '*', 'edit', ?, ?)",
                    (ctx.site.id, user_id, actor.user_id, clock.iso()),
                )
            if choice == "remove":
                db.execute(
                    "DELETE FROM grants WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id)
                )
                db.execute(
                    "DELETE FROM members WHERE site_id = ? AND user_id = ?", (ctx.site.id, user_id)
                )
            record(
                db,
                site_id=ctx.site.id,
                actor=actor,
                action="take-control",
                detail=f"{email}: {'kept as steward' if choice == 'keep' else 'now an editor' if choice == 'editor' else 'removed'}",
            )
        keep_a_manager(db, ctx.site)
        db.execute(
            "INSERT OR REPLACE INTO control_reviews (site_id, decided_at, decided_by) VALUES (?, ?, ?)",
            (ctx.site.id, clock.iso(), actor.user_id),
        )


def _stop_managing_everything(db: Database, site_id: int, user_id: int) -> None:
    """Take away what makes this person a steward: their own grants that the rule book says
    make one, and their place in any group whose grants do (so no group keeps them one)."""
    for grant in db.all(
        "SELECT id, section, capability, expires_at, user_id, group_key FROM grants"
        " WHERE site_id = ? AND (user_id = ? OR group_key IN (SELECT mg.group_key FROM"
        " member_groups mg JOIN members m ON m.id = mg.member_id WHERE m.site_id = ? AND m.user_id = ?))",
        (site_id, user_id, site_id, user_id),
    ):
        row = GrantRow(
            section=grant["section"],
            capability=Capability.parse(grant["capability"]),
            expires_at=grant["expires_at"],
            user_id=grant["user_id"],
            group_key=grant["group_key"],
        )
        if not policy.makes_steward(row):
            continue
        if row.group_key is None:
            db.execute("DELETE FROM grants WHERE id = ?", (grant["id"],))
        else:
            db.execute(
                "DELETE FROM member_groups WHERE group_key = ? AND member_id ="
                " (SELECT id FROM members WHERE site_id = ? AND user_id = ?)",
                (row.group_key, site_id, user_id),
            )


def note_in_audit(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    action: str,
    section: str | None = None,
    detail: str = "",
) -> None:
    """Record something a person did (e.g. "I have read this"); they must be able to view the section."""
    ctx = site_for(db, actor, site)
    if section is not None:
        ctx.require("view", section)
    with db.write():
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action=action[:40],
            section=section,
            detail=detail[:2000],
        )
