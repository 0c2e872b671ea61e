"""The plan home about the person (issue #16): their own one-line introduction, their
photo, and the welcome each person sees on their first visit to a plan.

Who may change the introduction and photo is the rule book's ``change-introduction`` (the
young person, and the people who manage every section for them). The photo is one of the
plan's own pictures: it is shown only to someone who may see the page it is on, through
the same checks as every attachment, so a photo never reaches a reader its page does not.
Putting the welcome away is ``dismiss-welcome``: anyone signed in who may read the plan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.errors import Invalid, NotFound
from wiki.models import MAX_INTRO, Actor
from wiki.store.audit import record
from wiki.store.context import SiteContext, site_for
from wiki.store.files import Attachment, get_attachment


def photo_of(db: Database, ctx: SiteContext) -> Attachment | None:
    """The plan's photo, for this reader: None when there is none or they may not see it."""
    if ctx.site.photo_id is None:
        return None
    row = db.one("SELECT key FROM attachments WHERE id = ?", (ctx.site.photo_id,))
    if row is None:
        return None
    try:  # the same check as opening the file: may this person view its section?
        return get_attachment(db, ctx.actor, site=ctx, key=row["key"])
    except NotFound:
        return None


def photo_choices(db: Database, ctx: SiteContext) -> list[Attachment]:
    """The pictures in the plan this person may see, newest first, to choose the photo from."""
    rows = db.all(
        "SELECT a.key, s.key AS section_key FROM attachments a JOIN pages p ON p.id = a.page_id"
        " JOIN sections s ON s.id = p.section_id"
        " WHERE a.site_id = ? AND a.kind = 'image' ORDER BY a.id DESC LIMIT 200",
        (ctx.site.id,),
    )
    out = []
    for row in rows:
        if ctx.allows("view", row["section_key"]):
            out.append(get_attachment(db, ctx.actor, site=ctx, key=row["key"]))
    return out


def section_pictures(db: Database, ctx: SiteContext) -> dict[str, Attachment]:
    """The newest picture in each part this person may see, for the part's tile."""
    rows = db.all(
        "SELECT s.key AS section_key, MAX(a.id) AS id FROM attachments a"
        " JOIN pages p ON p.id = a.page_id JOIN sections s ON s.id = p.section_id"
        " WHERE a.site_id = ? AND a.kind = 'image' GROUP BY s.key",
        (ctx.site.id,),
    )
    out = {}
    for row in rows:
        if not ctx.allows("view", row["section_key"]):
            continue
        key = db.one("SELECT key FROM attachments WHERE id = ?", (row["id"],))
        if key is not None:
            out[row["section_key"]] = get_attachment(db, ctx.actor, site=ctx, key=key["key"])
    return out


def set_introduction(
    db: Database, actor: Actor, *, site: str | SiteContext, intro: str, photo: str | None
) -> None:
    """Save the one-line introduction and the photo (an attachment's key; "" for none)."""
    ctx = site_for(db, actor, site)
    ctx.check("change-introduction")
    words = " ".join(intro.split())
    if len(words) > MAX_INTRO:
        raise Invalid(
            f"Keep it to one short line: up to {MAX_INTRO} letters.",
            fields={"intro": f"Up to {MAX_INTRO} letters."},
        )
    photo_id = None
    if photo:
        try:
            chosen = get_attachment(db, actor, site=ctx, key=photo)
        except NotFound:
            chosen = None
        if chosen is None or chosen.kind != "image":
            raise Invalid(
                "Choose one of the photos on the list.", fields={"photo": "Choose a photo."}
            )
        photo_id = chosen.id
    with db.write():
        db.execute(
            "UPDATE sites SET intro = ?, photo_id = ? WHERE id = ?", (words, photo_id, ctx.site.id)
        )
        record(db, site_id=ctx.site.id, actor=actor, action="change-introduction", detail=words)
    ctx.site.intro, ctx.site.photo_id = words, photo_id


# ---- the welcome ---------------------------------------------------------------------


def welcome_put_away(db: Database, ctx: SiteContext) -> bool:
    """Has this person put the welcome away on this plan (guests never see one)?"""
    if ctx.actor.preview_of is not None:  # "see it as" someone new to the plan (#23)
        return False
    if ctx.actor.user_id is None:
        return True
    row = db.one(
        "SELECT 1 FROM welcome_seen WHERE site_id = ? AND user_id = ?",
        (ctx.site.id, ctx.actor.user_id),
    )
    return row is not None


def put_welcome_away(db: Database, actor: Actor, *, site: str | SiteContext, away: bool) -> None:
    """Put the welcome away (``away``) or bring it back, for this person on this plan."""
    ctx = site_for(db, actor, site)
    ctx.check("dismiss-welcome")
    with db.write():
        if away:
            db.execute(
                "INSERT OR REPLACE INTO welcome_seen (site_id, user_id, dismissed_at)"
                " VALUES (?, ?, ?)",
                (ctx.site.id, actor.user_id, clock.iso()),
            )
        else:
            db.execute(
                "DELETE FROM welcome_seen WHERE site_id = ? AND user_id = ?",
                (ctx.site.id, actor.user_id),
            )


@dataclass
class Shared:
    """Who shared which parts with an invited member: "Claire Marsden" and the parts."""

    by: str
    parts: list[tuple[str, str, str]] = field(default_factory=list)  # key, title, doing


_SHARED_SQL = """
SELECT g.section, g.expires_at, u.name AS by_name FROM members m
JOIN grants g ON g.site_id = m.site_id AND g.user_id = m.user_id
LEFT JOIN users u ON u.id = g.created_by
WHERE m.site_id = :site AND m.user_id = :user
UNION ALL
SELECT g.section, g.expires_at, u.name FROM members m JOIN member_groups mg ON mg.member_id = m.id
JOIN grants g ON g.site_id = m.site_id AND g.group_key = mg.group_key
LEFT JOIN users u ON u.id = g.created_by
WHERE m.site_id = :site AND m.user_id = :user
"""


_GROUP_SHARES_SQL = """
SELECT g.section, g.expires_at, u.name AS by_name FROM grants g LEFT JOIN users u ON u.id = g.created_by
WHERE g.site_id = ? AND g.group_key = ?
"""


def _previewed_shares(db: Database, ctx: SiteContext, preview_of: str) -> list[dict[str, Any]]:
    """Who shared what with a group, or who will have shared what once an invitation is
    accepted (the inviter gives its starting grants), for "see it as" (issue #23)."""
    kind, _, ident = preview_of.partition(":")
    if kind == "group":
        return [dict(r) for r in db.all(_GROUP_SHARES_SQL, (ctx.site.id, ident))]
    invite = db.one(
        "SELECT i.groups, i.grants, u.name AS by_name FROM invitations i"
        " LEFT JOIN users u ON u.id = i.created_by WHERE i.id = ? AND i.site_id = ?",
        (int(ident) if ident.isdigit() else 0, ctx.site.id),
    )
    if invite is None:
        return []
    rows = [{"section": g["section"], "expires_at": g.get("expires_at"), "by_name": invite["by_name"]}
            for g in json.loads(invite["grants"])]  # fmt: skip
    for group in json.loads(invite["groups"]):
        rows += [dict(r) for r in db.all(_GROUP_SHARES_SQL, (ctx.site.id, group))]
    return rows


def shared_with(db: Database, ctx: SiteContext) -> list[Shared]:
    """For an invited member's welcome: who shared which parts they can see, in names and
    section titles (what they may do there comes from the rule book's answer)."""
    if ctx.actor.preview_of is not None:
        rows = _previewed_shares(db, ctx, ctx.actor.preview_of)
    elif ctx.actor.user_id is None:
        return []
    else:
        rows = [
            dict(r) for r in db.all(_SHARED_SQL, {"site": ctx.site.id, "user": ctx.actor.user_id})
        ]
    now = clock.iso()
    by: dict[str, set[str]] = {}
    for row in rows:
        if row["expires_at"] is not None and row["expires_at"] <= now:
            continue
        keys = [s.key for s in ctx.sections] if row["section"] == "*" else [row["section"]]
        by.setdefault(row["by_name"] or ctx.site.person, set()).update(keys)
    out = []
    for name, given in by.items():
        parts = [
            (s.key, s.title, policy.DOING.get(ctx.level(s.key), "can read"))
            for s in ctx.sections
            if s.key in given
        ]
        if parts:
            out.append(Shared(name, parts))
    return out
