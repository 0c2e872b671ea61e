"""Saving over someone else's save: merged three ways (issue #26).

A save carries the revision it started from. When someone saved in between, the store
merges the three texts (``wiki.merge``): the revision it started from, what this person
wrote, and the page as it is now. A clean merge is saved as a new revision, and the
person is told who else changed the page; a clash is raised as ``Clashed`` with each
clashing item, and what they wrote is kept as their draft. Both versions are always in
the history: the other person's revision, and this one on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki.db import Database
from wiki.errors import Clashed, Conflict, NotFound
from wiki.merge import merge_page
from wiki.models import Actor
from wiki.store.context import SiteContext, site_for
from wiki.store.pages import Prepared, SaveResult, get_revision, save_page

ATTEMPTS = 3  # someone saving again while the merge is worked out: merge once more


@dataclass
class MergeResult:
    saved: SaveResult
    merged: bool  # someone else saved meanwhile, and both changes are kept


def save_merging(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    section: str,
    page: str,
    body: str,
    base_revision: int | None,
    summary: str = "",
    title: str | None = None,
    max_chars: int = 200_000,
    choices: dict[str, str] | None = None,
    prepared: Prepared | None = None,
) -> MergeResult:
    """``save_page``, but a stale base is merged rather than refused; ``choices`` settles
    clashes by their keys ("mine", "theirs" or "both")."""
    ctx = site_for(db, actor, site)
    started_from, merged = base_revision, False
    for _ in range(ATTEMPTS):
        try:
            saved = save_page(db, actor, site=ctx, section=section, page=page, body=body,
                              base_revision=base_revision, summary=summary, title=title,
                              max_chars=max_chars, started_from=started_from,
                              prepared=prepared if not merged else None)  # fmt: skip
            return MergeResult(saved, merged)
        except Conflict as conflict:
            current = conflict.current
            if current is None or base_revision is None or base_revision > current.revision:
                raise
            try:
                start = get_revision(db, actor, site=ctx, section=section, page=page,
                                     number=base_revision)[2]  # fmt: skip
            except NotFound:
                raise conflict from None
            mine = body.replace("\r\n", "\n")  # as browsers send it; kept with plain line ends
            result = merge_page(start.body, mine, current.body, blocks=db.extensions.blocks,
                                choices=choices)  # fmt: skip
            if result.clashes:
                raise Clashed(
                    "Someone else changed the same thing while you were writing. Choose what to keep.",
                    current=current, clashes=result.clashes, base=base_revision,
                ) from None  # fmt: skip
            if title is not None and title == start.title:
                title = current.title  # only they changed the title
            body, base_revision, merged = result.body, current.revision, True
    raise Conflict("The page kept changing while we tried to save. Press Save again.")


def others_since(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page_id: int,
    after: int, upto: int,
) -> list[str]:  # fmt: skip
    """The other people who saved this page after revision ``after`` and up to ``upto``,
    in the order they saved, named as this reader knows them: to the young person, the
    people in their circle are who they are to them ("Mum"); to anyone else, their names."""
    ctx = site_for(db, actor, site)
    sec = ctx.require("view", section)
    if db.one("SELECT 1 FROM pages WHERE id = ? AND section_id = ?", (page_id, sec.id)) is None:
        raise NotFound()
    rows = db.all(
        "SELECT u.name, m.relationship, MIN(r.number) AS first FROM revisions r"
        " JOIN users u ON u.id = r.author_id"
        " LEFT JOIN members m ON m.user_id = u.id AND m.site_id = ?"
        " WHERE r.page_id = ? AND r.number > ? AND r.number <= ? AND r.author_id IS NOT ?"
        " GROUP BY u.id ORDER BY first",
        (ctx.site.id, page_id, after, upto, actor.user_id),
    )
    mine = ctx.role == "owner"  # words only: whose circle it is
    return [
        r["relationship"][:1].upper() + r["relationship"][1:]
        if mine and r["relationship"]
        else r["name"]
        for r in rows
    ]


def saved_by(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page_id: int, number: int
) -> list[str] | None:
    """None unless ``actor`` saved revision ``number`` of this page; else the names of the
    others whose changes were merged into it (none for an ordinary save)."""
    site_for(db, actor, site).require("view", section)
    row = db.one(
        "SELECT r.base, r.author_id FROM revisions r JOIN pages p ON p.id = r.page_id"
        " WHERE r.page_id = ? AND r.number = ? AND p.section_id = ?",
        (page_id, number, site_for(db, actor, site).section(section).id),
    )
    if row is None or row["author_id"] != actor.user_id:
        return None
    if row["base"] is None or row["base"] >= number - 1:
        return []
    return others_since(db, actor, site=site, section=section, page_id=page_id,
                        after=row["base"], upto=number - 1)  # fmt: skip
