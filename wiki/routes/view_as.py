"""Previews of a plan as someone in its circle, or a guest link, would see it ("view as";
issue #3, its own module since #13).

The preview is the page the person gets (issue #23): the same builders
(``wiki.routes.plan_pages``) and templates, with the previewed person's actor and a
different ``root`` for links, so it can never show more, or less, than that person sees.
Its buttons and forms are shown as the person would see them, and lead only to a page that
says a preview changes nothing. Members, circle groups, guest links and pending
invitations (as the invitation would give) can all be previewed.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import NotFound
from wiki.models import CORE_RESERVED_SECTION_KEYS, Actor
from wiki.plugins import shown
from wiki.routes import plan_pages
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


def _as_seen(target: Actor, root: str, label: str) -> dict[str, object]:
    """Where the preview's links point, and the banner; a guest link's page is read-only
    for the guest too, so it is in the preview (and only there is it so)."""
    invited = (target.preview_of or "").startswith("invite:")  # as it will be once they join
    return {"root": root, "preview": label, "readonly": target.is_guest, "preview_invited": invited}


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
    # The same home the person gets (issue #23): their photo, pictures, welcome and words.
    return page(request, "site.html", {**plan_pages.home_of(request, ctx),
                                       **_as_seen(target, root, label)})  # fmt: skip


async def view_as_section(request: Request) -> Response:
    db = db_of(request)
    target, root, label = _previewed(request)
    word = _p(request, "section")
    # sharing, audit, owner, a plugin's own page …: not one of their parts
    if word in CORE_RESERVED_SECTION_KEYS or word in db.extensions.reserved:
        return await view_as_only(request)
    ctx, pages = store.list_pages(
        db, target, site=_p(request, "site"), section=_p(request, "section")
    )
    shown_part = plan_pages.section_of(ctx, _p(request, "section"), pages)
    return page(request, "section.html", {**shown_part, **_as_seen(target, root, label)})


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
    return page(request, "page.html", {**plan_pages.page_of(ctx, found),
                                       **_as_seen(target, root, label)})  # fmt: skip


async def view_as_only(request: Request) -> Response:
    """A button or form in the preview (Edit, History, Add a page …): shown as the person
    would see it, but a preview changes nothing and opens nothing more."""
    _, _, label = _previewed(request)
    status = 403 if request.method == "POST" else 200
    own = store.site_for(db_of(request), actor_of(request), _p(request, "site"))
    return page(request, "preview_only.html", {"preview": label, "site": own.site,
                "back": f"/s/{_p(request, 'site')}/view-as/{quote(_p(request, 'who'), safe='@:')}"},
                status=status)  # fmt: skip


routes = [
    Route("/s/{site}/view-as/{who}", view_as_home, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}", view_as_section, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}/{page}", view_as_page, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}/{page}/{rest:path}", view_as_only, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{rest:path}", view_as_only, methods=["POST"]),
]
