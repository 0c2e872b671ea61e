"""Drafts: one person's unsaved words for one page (issue #26).

Words are kept as the person types (editor.js and forms.js send them, debounced), on
every form submit that does not save, when a save clashes, and when a form arrives
after their session ended. A draft belongs to its author alone: every function here
reads and writes only the actor's own row, and asks the rule book first (``edit`` on
the section; not found if they may not view it). Drafts are never searched, exported,
emailed or written into the audit log; they go with the page, the plan or the account
(ON DELETE CASCADE), and after ``KEEP_DAYS`` days.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from wiki import clock
from wiki.db import Database
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.store.context import SiteContext, site_for

KEEP_DAYS = 30
MAX_CHARS = 200_000


@dataclass
class Draft:
    page_id: int
    title: str
    body: str
    base: int | None
    saved_at: str
    form: str  # the form's address ("" or ".../edit": the text editor)
    fields: dict[str, str]  # a block form's own values

    def __getitem__(self, name: str) -> object:  # draft["body"], as the editor reads it
        return getattr(self, name)

    @property
    def in_text_editor(self) -> bool:
        return not self.form or self.form.endswith("/edit")


def _cutoff() -> str:
    return clock.iso(clock.now() - timedelta(days=KEEP_DAYS))


def _page_id(db: Database, actor: Actor, site: str | SiteContext, section: str, page: str) -> int:
    sec = site_for(db, actor, site).require("edit", section)
    row = db.one("SELECT id FROM pages WHERE section_id = ? AND slug = ?", (sec.id, page))
    if row is None:
        raise NotFound()
    return int(row["id"])


def keep(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str,
    title: str, body: str, base: int | None, form: str = "", fields: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Keep (or replace) the actor's draft of this page."""
    page_id = _page_id(db, actor, site, section, page)
    kept = {k: v[:MAX_CHARS] for k, v in (fields or {}).items() if k != "csrftoken"}
    with db.write():
        db.execute("DELETE FROM drafts WHERE saved_at < ?", (_cutoff(),))
        db.execute(
            "INSERT OR REPLACE INTO drafts (user_id, page_id, title, body, base, saved_at, form, fields)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (actor.user_id, page_id, title[:200], body[:MAX_CHARS], base, clock.iso(), form[:300],
             json.dumps(kept) if kept else ""),
        )  # fmt: skip


def mine(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> Draft | None:
    """The actor's own draft of this page, if it is not too old."""
    page_id = _page_id(db, actor, site, section, page)
    row = db.one(
        "SELECT * FROM drafts WHERE user_id = ? AND page_id = ? AND saved_at >= ?",
        (actor.user_id, page_id, _cutoff()),
    )
    if row is None:
        return None
    return Draft(row["page_id"], row["title"], row["body"], row["base"], row["saved_at"],
                 row["form"], json.loads(row["fields"]) if row["fields"] else {})  # fmt: skip


def throw_away(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> None:
    page_id = _page_id(db, actor, site, section, page)
    with db.write():
        db.execute("DELETE FROM drafts WHERE user_id = ? AND page_id = ?", (actor.user_id, page_id))


def expire(db: Database) -> None:
    """Forget drafts older than ``KEEP_DAYS`` days, and who ended sessions belonged to."""
    with db.write():
        db.execute("DELETE FROM drafts WHERE saved_at < ?", (_cutoff(),))
        db.execute("DELETE FROM ended_sessions WHERE ended_at < ?", (_cutoff(),))
