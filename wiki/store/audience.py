"""Who reads a section: so that a copy never reaches someone who may not read its source.

A page that copies words from other sections (a review report, issue #17) is read by
everyone who may read the section it is saved in. Before it is saved, the store works out
which of the author's sections are read by *every* reader of that section — each circle
member (their own grants and their groups'), every invitation not yet accepted, every live
guest link — for at least as long (``wiki.access.reads_as_long`` decides). Only words from
those sections may go in. The answer is a list of section keys, never who the readers are.
"""

from __future__ import annotations

import json

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.models import Access, Actor, Capability, GrantRow
from wiki.store.context import SiteContext, site_for


def _rows(db: Database, site_id: int) -> list[GrantRow]:
    return [
        GrantRow(
            section=r["section"],
            capability=Capability.parse(r["capability"]),
            expires_at=r["expires_at"],
            user_id=r["user_id"],
            group_key=r["group_key"],
        )
        for r in db.all(
            "SELECT section, capability, expires_at, user_id, group_key FROM grants WHERE site_id = ?",
            (site_id,),
        )
    ]


def readers(db: Database, ctx: SiteContext) -> list[Access]:
    """What each possible reader other than the young person can do: circle members and
    the people invited (as if they had accepted). Guest links are counted by the caller."""
    site_id = ctx.site.id
    grants = _rows(db, site_id)
    groups: dict[int, set[str]] = {}
    for row in db.all(
        "SELECT m.user_id, mg.group_key FROM members m LEFT JOIN member_groups mg ON mg.member_id = m.id"
        " WHERE m.site_id = ?",
        (site_id,),
    ):
        groups.setdefault(row["user_id"], set())
        if row["group_key"]:
            groups[row["user_id"]].add(row["group_key"])
    found = [
        policy.fold(site_id, [g for g in grants if g.user_id == user or g.group_key in mine])
        for user, mine in groups.items()
    ]
    for row in db.all(
        "SELECT groups, grants FROM invitations WHERE site_id = ? AND accepted_at IS NULL AND expires_at > ?",
        (site_id, clock.iso()),
    ):
        invited = set(json.loads(row["groups"]))
        own = [
            GrantRow(g["section"], Capability.parse(g["capability"]), None, None, None)
            for g in json.loads(row["grants"])
        ]
        found.append(policy.fold(site_id, own + [g for g in grants if g.group_key in invited]))
    return found


def safe_to_copy_into(
    db: Database, actor: Actor, *, site: str | SiteContext, into: str
) -> list[str]:
    """Keys of the sections this person may view whose words may be copied into a page of
    ``into`` without reaching anyone who may not read them. Needs edit on ``into``."""
    ctx = site_for(db, actor, site)
    ctx.require("edit", into)
    keys = [s.key for s in ctx.sections]
    guest_link = db.one(
        "SELECT 1 FROM guest_links WHERE site_id = ? AND section = ? AND revoked_at IS NULL AND expires_at > ?",
        (ctx.site.id, into, clock.iso()),
    )
    if guest_link is not None:
        return [into]  # a guest link reads that one section and nothing else
    everyone = readers(db, ctx)
    return [k for k in keys if k == into or all(policy.reads_as_long(a, k, into) for a in everyone)]
