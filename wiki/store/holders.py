"""Who holds a plan besides its reader (issue #23): the people who can still read, change
or share it, by name, for the young person who has just taken their plan; and the people
who looked after it, to be told when it is accepted or declined.

Each person's standing is the rule book's own answer for them (``access_for`` and
``allowed``), so these sentences cannot disagree with what the plan lets them do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.models import Actor
from wiki.store.context import SiteContext, access_for, load_site


@dataclass
class Holder:
    """One person, guest link or invitation that can reach the plan, and what it can do."""

    name: str
    kind: str  # person | invited | link
    relationship: str = ""
    until: str | None = None
    all_parts: str = ""  # "manage", "edit" or "view" when it reaches every part alike
    shares: list[str] = field(default_factory=list)  # section titles, per level
    changes: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)


def _person(db: Database, ctx: SiteContext, row: dict[str, Any], kind: str) -> Holder | None:
    person = Actor(user_id=row["id"], email=row["email"], name=row["name"])
    access = access_for(db, person, ctx.site)
    found = Holder(row["name"] or row["email"], kind, row.get("relationship") or "")
    return _levels(ctx, access, found)


def _levels(ctx: SiteContext, access: object, found: Holder) -> Holder | None:
    levels = {s.key: policy.level_name(access, s.key) for s in ctx.sections}  # type: ignore[arg-type]
    if not any(level != "none" for level in levels.values()):
        return None
    same = set(levels.values())
    if len(same) == 1 and len(levels) > 1:
        found.all_parts = next(iter(same))
        return found
    for s in ctx.sections:
        {"manage": found.shares, "edit": found.changes, "view": found.reads}.get(
            levels[s.key], []
        ).append(s.title)
    return found


def _reach(holder: Holder) -> int:
    if holder.all_parts == "manage" or holder.shares:
        return 0
    return 1 if holder.all_parts == "edit" or holder.changes else 2


def who_else(db: Database, ctx: SiteContext) -> list[Holder]:
    """Everyone but the reader who can reach this plan now, by name: circle members (with
    what their own and their groups' grants give), live guest links and invitations not yet
    accepted. For the young person and the people who manage the plan (``see-sharing``)."""
    if not ctx.allows("see-sharing"):
        return []
    out: list[Holder] = []
    rows = db.all(
        "SELECT u.id, u.email, u.name, m.relationship FROM members m JOIN users u ON u.id = m.user_id"
        " WHERE m.site_id = ? AND u.id != ? ORDER BY u.name COLLATE NOCASE",
        (ctx.site.id, ctx.actor.user_id or 0),
    )
    people = [h for h in (_person(db, ctx, dict(row), "person") for row in rows) if h]
    out.extend(sorted(people, key=_reach))  # who can share first, then who can change
    owner = db.one(
        "SELECT u.name FROM sites s JOIN users u ON u.id = s.owner_id WHERE s.id = ? AND u.id != ?",
        (ctx.site.id, ctx.actor.user_id or 0),
    )
    if owner is not None:  # a steward reading: the young person can, of course
        out.insert(0, Holder(owner["name"], "person", "owner", all_parts="manage"))
    now = clock.iso()
    titles = {s.key: s.title for s in ctx.sections}
    for link in db.all(
        "SELECT label, section, expires_at FROM guest_links WHERE site_id = ? AND revoked_at IS NULL"
        " AND expires_at > ? ORDER BY id",
        (ctx.site.id, now),
    ):
        if link["section"] in titles:
            out.append(Holder(link["label"], "link", until=link["expires_at"],
                              reads=[titles[link["section"]]]))  # fmt: skip
    for invite in db.all(
        "SELECT id, email, name, relationship FROM invitations WHERE site_id = ?"
        " AND accepted_at IS NULL AND expires_at > ? ORDER BY id",
        (ctx.site.id, now),
    ):
        # What it will give once accepted: its starting rules and its groups' (#23).
        would = access_for(db, Actor(preview_of=f"invite:{invite['id']}"), ctx.site)
        found = Holder(invite["name"] or invite["email"], "invited", invite["relationship"])
        out.append(_levels(ctx, would, found) or found)
    return out


def keepers(db: Database, site_slug: str, *, besides: int | None = None) -> list[Actor]:
    """The people who look after the plan now (they manage every part), and whoever sent
    its last offer: those told when the plan is accepted or declined."""
    site = load_site(db, site_slug)
    if site is None:
        return []
    found: dict[int, Actor] = {}
    for row in db.all(
        "SELECT u.id, u.email, u.name FROM members m JOIN users u ON u.id = m.user_id"
        " WHERE m.site_id = ? AND u.deleted_at IS NULL"
        " UNION SELECT u.id, u.email, u.name FROM plan_offers o JOIN users u ON u.id = o.created_by"
        " WHERE o.id = (SELECT MAX(id) FROM plan_offers WHERE site_id = ?) AND u.deleted_at IS NULL",
        (site.id, site.id),
    ):
        person = Actor(user_id=row["id"], email=row["email"], name=row["name"])
        if row["id"] == besides:
            continue
        if policy.allowed(access_for(db, person, site), "manage-circle") or _offered(
            db, site.id, row["id"]
        ):
            found[row["id"]] = person
    return list(found.values())


def _offered(db: Database, site_id: int, user_id: int) -> bool:
    row = db.one("SELECT created_by FROM plan_offers WHERE site_id = ? ORDER BY id DESC LIMIT 1",
                 (site_id,))  # fmt: skip
    return row is not None and row["created_by"] == user_id


def level_everywhere(db: Database, site_slug: str, person: Actor) -> str:
    """What this person may do to every part of the plan now: manage, edit, view or none."""
    site = load_site(db, site_slug)
    if site is None:
        return "none"
    return policy.level_name(access_for(db, person, site), "*")
