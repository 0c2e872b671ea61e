"""Gathering pages for printing and the PDF download: one section, or every section this
person may view, in reading order (issue #7; split out of ``transfer.py`` in issue #13).
"""

from __future__ import annotations

from collections.abc import Iterable

from wiki.db import Database
from wiki.models import Actor, Page, Section
from wiki.store.audit import view_log
from wiki.store.context import SiteContext, site_for
from wiki.store.transfer.archive import _marks


def printable(
    db: Database, actor: Actor, *, site: str, section: str | None = None
) -> tuple[SiteContext, list[tuple[Section, list[Page]]]]:
    """The pages of one section, or of every section this person may view, with their
    rendered text, in reading order (read in SQL from the viewable sections only)."""
    ctx = site_for(db, actor, site)
    chosen = [ctx.require("view", section)] if section else ctx.sections
    ids = [s.id for s in chosen]
    by_id = {s.id: s for s in chosen}
    found: dict[int, list[Page]] = {i: [] for i in ids}
    if ids:
        for r in db.all(
            "SELECT p.*, r.body, r.html, u.email AS updated_by_email, u.name AS updated_by_name"  # noqa: S608
            " FROM pages p JOIN revisions r ON r.page_id = p.id AND r.number = p.revision"
            " LEFT JOIN users u ON u.id = p.updated_by"
            f" WHERE p.section_id IN ({_marks(ids)}) ORDER BY p.position, p.title COLLATE NOCASE",
            ids,
        ):
            found[r["section_id"]].append(
                Page(
                    id=r["id"],
                    section=by_id[r["section_id"]],
                    slug=r["slug"],
                    title=r["title"],
                    revision=r["revision"],
                    body=r["body"],
                    html=r["html"],
                    updated_at=r["updated_at"],
                    updated_by=r["updated_by_email"],
                    updated_by_name=r["updated_by_name"],
                )
            )
    log = view_log(db)
    for s in chosen:
        for p in found[s.id]:
            log.add(db, site_id=ctx.site.id, actor=actor, section=s.key, page_id=p.id)
    return ctx, [(s, found[s.id]) for s in chosen]


def all_pages(groups: Iterable[tuple[Section, list[Page]]]) -> list[Page]:
    return [p for _, pages in groups for p in pages]
