"""What a reader is shown of a plan — its home, a part, a page — built in one place for the
person themselves and for "see it as" them (issue #23), so the preview is the same page the
person gets: the same pictures, words, and links shown or hidden.

Each builder takes a site context loaded for the reader (``ctx.actor``) and asks the store
and the rule book as that reader; the routes add only where links point (``root``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from wiki import store
from wiki.models import Page
from wiki.routes import plan_home
from wiki.routes.common import db_of
from wiki.store import introduction, oversight
from wiki.store.context import SiteContext


def home_of(request: Request, ctx: SiteContext) -> dict[str, Any]:
    """The plan home as ``ctx.actor`` sees it."""
    db, reader = db_of(request), ctx.actor
    return {
        "site": ctx.site,
        "ctx": ctx,
        "sections": ctx.sections,
        "counts": store.section_counts(db, ctx),
        "recent": store.recent_changes(db, reader, site=ctx),
        "looked": oversight.who_has_looked(db, reader, site=ctx) if ctx.allows("see-audit") else [],
        "control": oversight.control_status(db, reader, site=ctx)
        if ctx.allows("see-growing-up")
        else None,
        # About the person (issue #16): their photo (only if this reader may see it),
        # their own line, and the welcome on a first visit.
        "photo": introduction.photo_of(db, ctx),
        "pictures": introduction.section_pictures(db, ctx),
        "welcome": plan_home.welcome_of(request, ctx),
        "plan_home": True,  # plugins' lines on its first screen (issue #23)
    }


def section_of(ctx: SiteContext, key: str, pages: list[Page]) -> dict[str, Any]:
    """One part of the plan and its pages as ``ctx.actor`` sees them."""
    section = ctx.section(key)
    return {
        "site": ctx.site,
        "ctx": ctx,
        "section": section,
        "pages": pages,
        "can_edit": ctx.allows("edit", section.key),
        "can_manage": ctx.allows("share", section.key),
    }


def page_of(ctx: SiteContext, found: Page) -> dict[str, Any]:
    """One page as ``ctx.actor`` sees it (``found`` already read through the plugins)."""
    return {
        "site": ctx.site,
        "ctx": ctx,
        "section": found.section,
        "page": found,
        "can_edit": ctx.allows("edit", found.section.key),
    }
