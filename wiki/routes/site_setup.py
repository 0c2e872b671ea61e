"""Making a new site from a site template: its sections, then its starter pages (issue #5).

Used by the home page's form and by ``POST /api/v1/sites``. The sections come from the
chosen ``SiteTemplate``; each section's starter pages come from the ``SectionTemplate``s
with the key the section names, and are written by the store as the new owner, so
they are ordinary first revisions in the history. The store writes the site, its
sections and its starter pages in one transaction (issue #13).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from wiki import store
from wiki.errors import Invalid
from wiki.models import Actor, Site, SiteCreate
from wiki.plugins import SiteTemplate, StarterPage, collect
from wiki.routes.common import db_of
from wiki.routes.invitations import send_offer
from wiki.store import ownership


def site_templates(request: Request) -> list[SiteTemplate]:
    return list(collect(request.app.state.plugins.hook.site_templates()))


def _starter_pages(pm: Any, template_key: str | None) -> list[StarterPage]:
    pages: dict[str, StarterPage] = {}
    for section_template in collect(pm.hook.section_templates()):
        if section_template.key == template_key:
            for starter in section_template.pages:
                pages.setdefault(starter.slug, starter)
    return list(pages.values())


def create_site(request: Request, actor: Actor, body: SiteCreate) -> Site:
    """The site, with the template's sections and starter pages (no template: the standard sections)."""
    chosen: SiteTemplate | None = None
    if body.template:
        offered = {t.key: t for t in site_templates(request)}
        chosen = offered.get(body.template)
        if chosen is None:
            names = ", ".join(sorted(offered)) or "none"
            raise Invalid(
                f"There is no site template called “{body.template}”. Choose one of: {names}.",
                fields={"template": "Not a site template."},
            )
    pages: list[store.StartingPage] = []
    if chosen is not None:
        pm = request.app.state.plugins
        for key, _title, template_key in chosen.sections:
            pages += [
                store.StartingPage(key, starter.slug, starter.title, starter.body)
                for starter in _starter_pages(pm, template_key)
            ]
    # One store call, one transaction: the site, its sections and its starter pages, or
    # nothing at all if any of it fails (issue #13).
    db = db_of(request)
    site = store.create_site(
        db,
        actor,
        slug=body.slug,
        title=body.title,
        date_of_birth=body.date_of_birth.isoformat() if body.date_of_birth else None,
        sections=chosen.sections if chosen else None,
        pages=pages,
        for_email=body.for_email,
        for_name=body.for_name,
    )
    ctx = store.site_for(db, actor, site.slug)
    if ctx.pending_owner:  # made for someone: offer them their plan (issue #14)
        offer = ownership.offer_plan(db, actor, site=ctx, email=ctx.pending_owner)
        send_offer(db, request, offer)
    return site
