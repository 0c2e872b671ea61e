"""Previews of a plan as someone in its circle, or a guest link, would see it ("view as";
issue #3, its own module since #13).

The preview reuses the ordinary read-only templates with a different ``root`` for links;
the content comes from the same store calls with the previewed person's actor, so it can
never show more than that person could see.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.plugins import shown
from wiki.routes.common import actor_of, db_of, page, redirect, require_signed_in
from wiki.store import oversight


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


# ---- view as: /s/{site}/view-as/{who}/... ---------------------------------------------------


def _previewed(request: Request) -> tuple[Actor, str, str]:
    db, actor = db_of(request), require_signed_in(request)
    site, who = _p(request, "site"), _p(request, "who")
    target = oversight.preview_actor(db, actor, site=site, who=who)
    label = "a guest with this link" if target.is_guest else target.name
    return target, f"/s/{site}/view-as/{quote(who, safe='@:')}", label


async def view_as_home(request: Request) -> Response:
    db = db_of(request)
    target, root, label = _previewed(request)
    try:
        ctx = store.site_for(db, target, _p(request, "site"))
    except NotFound:
        own = store.site_for(db, actor_of(request), _p(request, "site"))
        return page(request, "preview_empty.html", {"preview": label, "site": own.site}, status=200)
    if target.is_guest:
        return redirect(f"{root}/{target.guest_section}")
    return page(
        request,
        "site.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "sections": ctx.sections,
            "counts": store.section_counts(db, ctx),
            "recent": store.recent_changes(db, target, site=ctx.site.slug),
            "root": root,
            "readonly": True,
            "preview": label,
        },
    )


async def view_as_section(request: Request) -> Response:
    db = db_of(request)
    target, root, label = _previewed(request)
    ctx, pages = store.list_pages(
        db, target, site=_p(request, "site"), section=_p(request, "section")
    )
    return page(
        request,
        "section.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": ctx.section(_p(request, "section")),
            "pages": pages,
            "root": root,
            "readonly": True,
            "preview": label,
        },
    )


async def view_as_page(request: Request) -> Response:
    db = db_of(request)
    target, root, label = _previewed(request)
    ctx, found = store.get_page(
        db,
        target,
        site=_p(request, "site"),
        section=_p(request, "section"),
        page=_p(request, "page"),
        record_view=False,
    )
    found = shown(request, ctx, found, root, reader=target)  # as the one previewed (#14)
    return page(
        request,
        "page.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": found.section,
            "page": found,
            "root": root,
            "readonly": True,
            "preview": label,
        },
    )


routes = [
    Route("/s/{site}/view-as/{who}", view_as_home, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}", view_as_section, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}/{page}", view_as_page, methods=["GET"]),
]
