"""Sites and their sections: create, list what I can see, add, rename, reorder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Invalid, NotSignedIn
from wiki.models import STANDARD_GROUPS, STANDARD_SECTIONS, Actor, Site
from wiki.store import checks
from wiki.store.audit import record
from wiki.store.context import SiteContext, load_site, site_for
from wiki.store.pages import SaveResult, announce_saved, checked_text, write_new_page

# Sites the actor owns, or holds a live grant on (personally or through a group) as a
# member. A UNION of indexed lookups: an OR would scan every site on the server.
_MY_SITES_SQL = """
SELECT s.slug, s.title FROM sites s WHERE s.owner_id = :user
UNION
SELECT s.slug, s.title FROM members m JOIN sites s ON s.id = m.site_id
WHERE m.user_id = :user AND (
    EXISTS (SELECT 1 FROM grants g WHERE g.site_id = m.site_id AND g.user_id = :user
            AND (g.expires_at IS NULL OR g.expires_at > :now))
 OR EXISTS (SELECT 1 FROM member_groups mg CROSS JOIN grants g INDEXED BY grants_group
            ON g.site_id = m.site_id AND g.group_key = mg.group_key
            WHERE mg.member_id = m.id AND (g.expires_at IS NULL OR g.expires_at > :now)))
ORDER BY 2 COLLATE NOCASE
"""


def list_sites(db: Database, actor: Actor) -> list[SiteContext]:
    """Every site where the actor may view at least one section."""
    if actor.user_id is None:
        return []
    found = []
    for row in db.all(_MY_SITES_SQL, {"user": actor.user_id, "now": clock.iso()}):
        try:
            found.append(site_for(db, actor, row["slug"]))
        except Exception:  # noqa: S112 - a grant on a section that is gone shows nothing
            continue
    return found


@dataclass(frozen=True)
class StartingPage:
    """A page a new site starts with (a site template's starter page), as plain data."""

    section: str  # the key of one of the new site's sections
    slug: str
    title: str
    body: str
    summary: str = "Started from the site template"


def create_site(
    db: Database,
    actor: Actor,
    *,
    slug: str,
    title: str,
    date_of_birth: str | None = None,
    sections: Sequence[tuple[str, str, str]] | None = None,
    pages: Sequence[StartingPage] = (),
    for_email: str | None = None,
    for_name: str | None = None,
) -> Site:
    """The creator becomes the owner; the site starts with the standard sections, or with
    a site template's ``sections`` and its starter ``pages`` (first revisions by the owner).

    A plan made for someone else (``for_email`` and/or ``for_name``, issue #14) has no
    owner yet: the creator joins its circle as a steward (manage on every section), the
    plan carries the young person's name, and ``for_email`` is its pending owner (the
    caller then sends them the offer, ``ownership.offer_plan``).

    All of it is written in one transaction, so a failure part-way leaves no half-made
    site behind (issue #13)."""
    if actor.user_id is None or actor.is_guest:
        raise NotSignedIn("Sign in to make a plan site.")
    checks.address(slug)
    title = checks.title(title)
    for key, section_title, _ in sections or ():
        checks.address(key, "key", section_key=True, reserved=db.extensions.reserved)
        checks.title(section_title)
    for starter in pages:
        checks.address(starter.slug)
        checks.title(starter.title)
    for_email = (for_email or "").strip().lower() or None
    for_name = (for_name or "").strip() or None
    if for_email == actor.email.lower():
        for_email = None  # a plan "for" yourself is your own
        for_name = for_name or actor.name
    made_for = bool(for_email or (for_name and for_name != actor.name))
    if for_email is not None and ("@" not in for_email or len(for_email) > 320):
        raise Invalid(
            "Enter the young person's email address like name@example.org.",
            fields={"for_email": "Enter an email address."},
        )
    if for_name is not None:
        for_name = checks.name(for_name, "for_name")
    texts = [checked_text(db, site=slug, body=p.body) for p in pages]  # before the lock
    written: list[SaveResult] = []
    now = clock.iso()
    with db.write() as w:
        if load_site(db, slug) is not None:
            raise Conflict(
                "That web address is already taken. Try another.",
            )
        inserted = db.execute(
            "INSERT INTO sites (slug, title, owner_id, date_of_birth, theme, created_at,"
            " person_name, pending_owner) VALUES (?, ?, ?, ?, 'default', ?, ?, ?)",
            (slug, title, None if made_for else actor.user_id, date_of_birth, now,
             (for_name or "") if made_for else actor.name, for_email),
        ).lastrowid  # fmt: skip
        assert inserted is not None
        site_id = inserted
        for position, (key, section_title, template) in enumerate(sections or STANDARD_SECTIONS):
            w.table("sections").insert(
                {
                    "site_id": site_id,
                    "key": key,
                    "title": section_title,
                    "position": position,
                    "template": template,
                }
            )
        for key, group_title in STANDARD_GROUPS:
            w.table("circle_groups").insert({"site_id": site_id, "key": key, "title": group_title})
        record(db, site_id=site_id, actor=actor, action="create-site", detail=title)
        if made_for:  # the maker runs the plan for the young person until they take it
            member_id = db.execute(
                "INSERT INTO members (site_id, user_id, relationship, created_at)"
                " VALUES (?, ?, 'made the plan', ?)",
                (site_id, actor.user_id, now),
            ).lastrowid
            assert member_id is not None
            db.execute(
                "INSERT INTO grants (site_id, user_id, section, capability, created_by, created_at)"
                " VALUES (?, ?, '*', 'manage', ?, ?)",
                (site_id, actor.user_id, actor.user_id, now),
            )
            record(db, site_id=site_id, actor=actor, action="made-for",
                   detail=f"made the plan for {for_name or for_email}; they manage it until"
                   " the young person owns it")  # fmt: skip
        if pages:
            ctx = site_for(db, actor, slug)
            written = _write_starters(db, actor, ctx, pages, texts, now=now)
    for result in written:  # after commit, as a save tells them
        announce_saved(db, actor, ctx, result)
    site = load_site(db, slug)
    assert site is not None
    return site


def _write_starters(
    db: Database,
    actor: Actor,
    ctx: SiteContext,
    pages: Sequence[StartingPage],
    texts: list[tuple[str, str]],
    *,
    now: str,
) -> list[SaveResult]:
    """Inside ``create_site``'s transaction: each starter page's first revision, by the owner."""
    written = []
    for starter, (body, html) in zip(pages, texts, strict=True):
        sec = ctx.require("edit", starter.section)
        written.append(write_new_page(
            db, actor, ctx, sec, page=starter.slug, body=body, html=html,
            title=starter.title, summary=starter.summary, now=now,
        ))  # fmt: skip
    return written


def add_section(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    key: str,
    title: str,
    template: str | None = None,
) -> SiteContext:
    ctx = site_for(db, actor, site)
    ctx.check("add-section")
    checks.address(key, "key", section_key=True, reserved=db.extensions.reserved)
    title = checks.title(title)
    with db.write() as w:
        if db.one("SELECT 1 FROM sections WHERE site_id = ? AND key = ?", (ctx.site.id, key)):
            raise Conflict("There is already a section with that name in the address. Try another.")
        last = db.one(
            "SELECT COALESCE(MAX(position), -1) AS p FROM sections WHERE site_id = ?",
            (ctx.site.id,),
        )
        w.table("sections").insert(
            {
                "site_id": ctx.site.id,
                "key": key,
                "title": title,
                "position": (last["p"] if last else -1) + 1,
                "template": template,
            }
        )
        record(
            db, site_id=ctx.site.id, actor=actor, action="add-section", section=key, detail=title
        )
    return site_for(db, actor, site)


def rename_section(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, title: str
) -> None:
    """The title changes; the address (key) stays, so links and grants keep working."""
    ctx = site_for(db, actor, site)
    ctx.require("rename-section", section)
    title = checks.title(title)
    with db.write():
        db.execute(
            "UPDATE sections SET title = ? WHERE site_id = ? AND key = ?",
            (title, ctx.site.id, section),
        )
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="rename-section",
            section=section,
            detail=title,
        )


def move_section(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, step: int
) -> None:
    """Move a section up (step -1) or down (+1) in the site's navigation."""
    ctx = site_for(db, actor, site)
    ctx.check("arrange-sections")
    ctx.section(section)
    with db.write():
        keys = [
            r["key"]
            for r in db.all(
                "SELECT key FROM sections WHERE site_id = ? ORDER BY position, id", (ctx.site.id,)
            )
        ]
        i = keys.index(section)
        j = max(0, min(len(keys) - 1, i + step))
        if i == j:
            return
        keys[i], keys[j] = keys[j], keys[i]
        for position, key in enumerate(keys):
            db.execute(
                "UPDATE sections SET position = ? WHERE site_id = ? AND key = ?",
                (position, ctx.site.id, key),
            )


def section_counts(db: Database, ctx: SiteContext) -> dict[int, int]:
    """Number of pages in each section the actor may view (and only those)."""
    ids = ctx.section_ids
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.all(
        f"SELECT section_id, COUNT(*) AS n FROM pages WHERE section_id IN ({marks}) GROUP BY section_id",  # noqa: S608 - only "?" marks are interpolated
        ids,
    )
    return {r["section_id"]: r["n"] for r in rows}


def invalid_if(condition: bool, field: str, message: str) -> None:
    if condition:
        raise Invalid(message, fields={field: message})
