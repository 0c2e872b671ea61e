"""Pages and their revisions: read, save (never overwriting), history, diff, restore, rename.

Every function takes the actor and asks the policy first, through ``site_for`` and
``SiteContext.require``: NotFound when you may not view, Forbidden when you may view
but not do. Saves run in ``BEGIN IMMEDIATE`` and check the base revision inside the
transaction, so two editors from the same base can never overwrite each other.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, NotFound, TooLarge
from wiki.models import Actor, Page, Revision, Section
from wiki.render import render
from wiki.store import checks, drafts
from wiki.store.audit import record, view_log
from wiki.store.context import SiteContext, site_for

_PAGE_SQL = """
SELECT p.*, r.body, r.html, u.email AS updated_by_email, u.name AS updated_by_name
FROM pages p JOIN revisions r ON r.page_id = p.id AND r.number = p.revision
LEFT JOIN users u ON u.id = p.updated_by
WHERE p.section_id = ? AND p.slug = ?
"""


@dataclass(frozen=True)
class Prepared:
    """A page's text checked and rendered ahead of its save, so a route can do that slow
    part off the event loop (issue #15) and then save with ``prepared=``."""

    site: str
    source: str  # the text as sent
    body: str  # as it will be kept (plain line ends)
    html: str


@dataclass
class SaveResult:
    page: Page
    created: bool  # a new page
    changed: bool  # a new revision was made (identical text makes none)


def _page(row: sqlite3.Row, section: Section) -> Page:
    return Page(
        id=row["id"],
        section=section,
        slug=row["slug"],
        title=row["title"],
        revision=row["revision"],
        body=row["body"],
        html=row["html"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by_email"],
        updated_by_name=row["updated_by_name"],
    )


def _load(db: Database, section: Section, slug: str) -> Page | None:
    row = db.one(_PAGE_SQL, (section.id, slug))
    return _page(row, section) if row else None


def redirect_for(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> str | None:
    """The page's new slug if it was renamed from ``page`` (and you may view it)."""
    ctx = site_for(db, actor, site)
    sec = ctx.section(section)
    row = db.one(
        "SELECT p.slug FROM page_redirects r JOIN pages p ON p.id = r.page_id"
        " WHERE r.section_id = ? AND r.slug = ?",
        (sec.id, page),
    )
    return row["slug"] if row else None


def get_page(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    section: str,
    page: str,
    record_view: bool = True,
) -> tuple[SiteContext, Page]:
    ctx = site_for(db, actor, site)
    sec = ctx.require("view", section)
    found = _load(db, sec, page)
    if found is None:
        raise NotFound()
    if record_view:
        view_log(db).add(db, site_id=ctx.site.id, actor=actor, section=section, page_id=found.id)
    return ctx, found


def note_view(db: Database, ctx: SiteContext, *, section: str, page_id: int | None) -> None:
    """A view of a page drawn before (a kept page, issue #21), checked and filed as
    ``get_page`` does: not found unless this request's access may view the section."""
    ctx.require("view", section)
    view_log(db).add(db, site_id=ctx.site.id, actor=ctx.actor, section=section, page_id=page_id)


def list_pages(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, record_view: bool = False
) -> tuple[SiteContext, list[Page]]:
    ctx = site_for(db, actor, site)
    sec = ctx.require("view", section)
    if record_view:
        view_log(db).add(db, site_id=ctx.site.id, actor=actor, section=section, page_id=None)
    rows = db.all(
        "SELECT p.*, '' AS body, '' AS html, u.email AS updated_by_email, u.name AS updated_by_name"
        " FROM pages p LEFT JOIN users u ON u.id = p.updated_by"
        " WHERE p.section_id = ? ORDER BY p.position, p.title COLLATE NOCASE",
        (sec.id,),
    )
    return ctx, [_page(r, sec) for r in rows]


def recent_changes(
    db: Database, actor: Actor, *, site: str | SiteContext, limit: int = 10
) -> list[Page]:
    """Recently changed pages, only from sections the actor may view (filtered in SQL)."""
    ctx = site_for(db, actor, site)
    by_id = {s.id: s for s in ctx.sections}
    if not by_id:
        return []
    marks = ",".join("?" * len(by_id))
    rows = db.all(
        "SELECT p.*, '' AS body, '' AS html, u.email AS updated_by_email, u.name AS updated_by_name"  # noqa: S608
        f" FROM pages p LEFT JOIN users u ON u.id = p.updated_by WHERE p.section_id IN ({marks})"
        " ORDER BY p.updated_at DESC LIMIT ?",
        [*by_id, limit],
    )
    return [_page(r, by_id[r["section_id"]]) for r in rows]


def save_page(
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
    prepared: Prepared | None = None,
    started_from: int | None = None,
) -> SaveResult:
    """Save a new revision, or raise Conflict (keeping the text as the actor's draft).
    ``prepared``: this body already checked and rendered (``prepare_text``);
    ``started_from``: the revision the author began from, when their words were merged
    with later ones (wiki/store/merging.py): kept as the revision's base."""
    ctx = site_for(db, actor, site)
    sec = ctx.require("edit", section)
    checks.address(page)
    if title is not None:
        title = checks.title(title)
    if prepared is None or prepared.site != ctx.site.slug or prepared.source != body:
        prepared = prepare_text(db, site=ctx.site.slug, body=body, max_chars=max_chars)
    body, html = prepared.body, prepared.html
    now = clock.iso()
    conflict: Page | None = None
    with db.write():
        current = _load(db, sec, page)
        if current is None and base_revision is not None:
            raise Conflict(
                "This page no longer exists (it may have been renamed). Your text is kept below."
            )
        if current is not None and base_revision != current.revision:
            # Keep what they typed as their draft, committed, before saying no.
            db.execute(
                "INSERT OR REPLACE INTO drafts (user_id, page_id, title, body, base, saved_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (actor.user_id, current.id, title or current.title, body, base_revision, now),
            )
            conflict = current
        else:
            result = _write_revision(
                db,
                actor,
                ctx,
                sec,
                current,
                page=page,
                body=body,
                html=html,
                title=title,
                summary=summary,
                base_revision=base_revision if started_from is None else started_from,
                now=now,
            )
    if conflict is not None:
        raise Conflict(
            f"Someone else saved this page while you were editing (it is now at revision {conflict.revision}).",
            current=conflict,
        )
    announce_saved(db, actor, ctx, result)
    return result


def prepare_text(db: Database, *, site: str, body: str, max_chars: int = 200_000) -> Prepared:
    """``checked_text`` kept with the text it was made from; safe in a worker thread."""
    checked, html = checked_text(db, site=site, body=body, max_chars=max_chars)
    return Prepared(site=site, source=body, body=checked, html=html)


def checked_text(
    db: Database, *, site: str, body: str, max_chars: int = 200_000
) -> tuple[str, str]:
    """A page's text checked for length (with Windows line ends made plain) and its HTML.
    Called before the write lock is taken: rendering is the slow part. Text nested deeper
    than any honest page raises ``Invalid`` (wiki.render_bounds.TooComplex, issue #15)."""
    if len(body) > max_chars:
        raise TooLarge(
            f"A page can hold up to {max_chars:,} characters; this one has {len(body):,}."
        )
    body = body.replace("\r\n", "\n")
    return body, render(body, site=site, blocks=db.extensions.blocks)


def write_new_page(
    db: Database,
    actor: Actor,
    ctx: SiteContext,
    sec: Section,
    *,
    page: str,
    body: str,
    html: str,
    title: str,
    summary: str,
    now: str,
) -> SaveResult:
    """A new page's first revision, inside the caller's write transaction: a new site's
    starter pages are written with the site, all or nothing (issue #13)."""
    return _write_revision(
        db, actor, ctx, sec, None, page=page, body=body, html=html, title=title,
        summary=summary, base_revision=None, now=now,
    )  # fmt: skip


def announce_saved(db: Database, actor: Actor, ctx: SiteContext, result: SaveResult) -> None:
    """After commit, tell the listeners (plugins) that a revision was saved."""
    if result.changed:
        for listener in db.extensions.on_saved:
            listener(
                site=ctx.site.slug, section=result.page.section.key, page=result.page.slug,
                revision=result.page.revision, author=actor.email or None,
            )  # fmt: skip


def _write_revision(
    db: Database,
    actor: Actor,
    ctx: SiteContext,
    sec: Section,
    current: Page | None,
    *,
    page: str,
    body: str,
    html: str,
    title: str | None,
    summary: str,
    base_revision: int | None,
    now: str,
) -> SaveResult:
    new_title = title or (current.title if current else page.replace("-", " ").capitalize())
    if current is not None and current.body == body and current.title == new_title:
        # Nothing new to keep; what they had not saved is the page now (issue #26).
        db.execute(
            "DELETE FROM drafts WHERE user_id = ? AND page_id = ?", (actor.user_id, current.id)
        )
        return SaveResult(current, created=False, changed=False)
    if current is None:
        inserted = db.execute(
            "INSERT INTO pages (site_id, section_id, slug, title, revision, created_at, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
            (ctx.site.id, sec.id, page, new_title, now, now, actor.user_id),
        ).lastrowid
        assert inserted is not None
        page_id, number = inserted, 1
    else:
        page_id, number = current.id, current.revision + 1
    db.execute(
        "INSERT INTO revisions (page_id, number, title, body, html, summary, author_id, base, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (page_id, number, new_title, body, html, summary, actor.user_id, base_revision, now),
    )
    db.execute(
        "UPDATE pages SET revision = ?, title = ?, updated_at = ?, updated_by = ? WHERE id = ?",
        (number, new_title, now, actor.user_id, page_id),
    )
    db.execute("DELETE FROM drafts WHERE user_id = ? AND page_id = ?", (actor.user_id, page_id))
    record(
        db,
        site_id=ctx.site.id,
        actor=actor,
        action="edit",
        section=sec.key,
        page_id=page_id,
        detail=f"revision {number}" + (f": {summary}" if summary else ""),
    )
    # What was just written, without reading it back (issue #8: a save's every query counts).
    saved = Page(
        id=page_id, section=sec, slug=page, title=new_title, revision=number, body=body,
        html=html, updated_at=now, updated_by=actor.email or None, updated_by_name=actor.name or None,
    )  # fmt: skip
    return SaveResult(saved, created=current is None, changed=True)


def get_draft(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> drafts.Draft | None:
    """The actor's own unsaved words for this page (wiki/store/drafts.py)."""
    return drafts.mine(db, actor, site=site, section=section, page=page)


def discard_draft(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> None:
    drafts.throw_away(db, actor, site=site, section=section, page=page)


def _revision(row: sqlite3.Row) -> Revision:
    return Revision(
        number=row["number"],
        title=row["title"],
        body=row["body"],
        html=row["html"],
        summary=row["summary"],
        author_email=row["email"],
        author_name=row["name"],
        base=row["base"],
        created_at=row["created_at"],
    )


_REVISIONS_SQL = """
SELECT r.*, u.email, u.name FROM revisions r LEFT JOIN users u ON u.id = r.author_id
WHERE r.page_id = ?
"""


def history(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> tuple[SiteContext, Page, list[Revision]]:
    ctx, found = get_page(db, actor, site=site, section=section, page=page, record_view=False)
    rows = db.all(_REVISIONS_SQL + " ORDER BY r.number DESC", (found.id,))
    return ctx, found, [_revision(r) for r in rows]


def get_revision(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str, number: int
) -> tuple[SiteContext, Page, Revision]:
    ctx, found = get_page(db, actor, site=site, section=section, page=page, record_view=False)
    row = db.one(_REVISIONS_SQL + " AND r.number = ?", (found.id, number))
    if row is None:
        raise NotFound("That page has no such revision.")
    return ctx, found, _revision(row)


def restore(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str, number: int
) -> SaveResult:
    """Bring back an old revision's text as a new revision; nothing is removed."""
    _, found, old = get_revision(db, actor, site=site, section=section, page=page, number=number)
    return save_page(
        db,
        actor,
        site=site,
        section=section,
        page=page,
        body=old.body,
        title=old.title,
        base_revision=found.revision,
        summary=f"Restored revision {number}",
    )


def rename_page(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str, new_slug: str
) -> Page:
    """Change a page's address; the old address keeps working as a redirect."""
    ctx, found = get_page(db, actor, site=site, section=section, page=page, record_view=False)
    sec = ctx.require("edit", section)
    checks.address(new_slug)
    if new_slug == page:
        return found
    with db.write():
        if _load(db, sec, new_slug) is not None:
            raise Conflict("Another page in this section already has that address.")
        db.execute("UPDATE pages SET slug = ? WHERE id = ?", (new_slug, found.id))
        db.execute(
            "DELETE FROM page_redirects WHERE section_id = ? AND slug = ?", (sec.id, new_slug)
        )
        db.execute(
            "INSERT OR REPLACE INTO page_redirects (section_id, slug, page_id) VALUES (?, ?, ?)",
            (sec.id, page, found.id),
        )
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="rename-page",
            section=section,
            page_id=found.id,
            detail=f"{page} → {new_slug}",
        )
    renamed = _load(db, sec, new_slug)
    assert renamed is not None
    return renamed
