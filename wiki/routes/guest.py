"""Guest-link pages: /g/{token}/{section}/{page} (issue #3; its own module since #13).

A guest reads with the ordinary read-only templates and a different ``root`` for links;
the content comes from the same store calls with the guest's actor, so a guest link can
never show more than its one section.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.plugins import shown
from wiki.routes import kept
from wiki.routes.common import actor_of, db_of, kept_page, page, redirect
from wiki.store import links


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


# ---- guest links: /g/{token}/{section}/{page} ---------------------------------------------


def _guest(request: Request) -> Actor:
    actor = actor_of(request)
    if not actor.is_guest:
        raise NotFound(
            "This link is not valid any more. It may have expired or been switched off; "
            "ask the person who shared it for a new one."
        )
    return actor


async def guest_home(request: Request) -> Response:
    actor = _guest(request)
    return redirect(f"/g/{_p(request, 'token')}/{actor.guest_section}")


async def guest_section(request: Request) -> Response:
    db, actor = db_of(request), _guest(request)
    site = links.guest_site_slug(db, actor)
    ctx, pages = store.list_pages(
        db, actor, site=site, section=_p(request, "section"), record_view=True
    )
    return page(
        request,
        "section.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": ctx.section(_p(request, "section")),
            "pages": pages,
            "root": f"/g/{_p(request, 'token')}",
            "readonly": True,
        },
    )


async def guest_page(request: Request) -> Response:
    db, actor = db_of(request), _guest(request)
    site = links.guest_site_slug(db, actor)
    ctx = store.site_for(db, actor, site)
    key, hit = kept_page(request, ctx, "page.html")
    if hit is not None:  # drawn before, nothing it shows has changed (issue #21)
        store.note_view(db, ctx, section=_p(request, "section"), page_id=hit.page_id)
        return kept.serve(request, hit)
    ctx, found = store.get_page(
        db, actor, site=ctx, section=_p(request, "section"), page=_p(request, "page")
    )
    root = f"/g/{_p(request, 'token')}"
    found = shown(request, ctx, found, root)  # read through, as this guest link (#14)
    return page(
        request,
        "page.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": found.section,
            "page": found,
            "root": f"/g/{_p(request, 'token')}",
            "readonly": True,
        },
        keep=key,
    )


routes = [
    Route("/g/{token}", guest_home, methods=["GET"]),
    Route("/g/{token}/{section}", guest_section, methods=["GET"]),
    Route("/g/{token}/{section}/{page}", guest_page, methods=["GET"]),
]
