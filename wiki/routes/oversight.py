"""Guest-link pages, "view as" previews, the audit log and the growing-up choice (issue #3).

Guests and previews reuse the ordinary read-only templates with a different ``root``
for links; the content comes from the same store calls with the guest's or the
previewed person's actor, so they can never show more than that person could see.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.routes.common import actor_of, db_of, page, redirect, require_signed_in
from wiki.store import links, oversight


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
    ctx, found = store.get_page(
        db, actor, site=site, section=_p(request, "section"), page=_p(request, "page")
    )
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
    )


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


# ---- audit and growing up -------------------------------------------------------------------


async def audit_page(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    q = request.query_params
    person, section, action = (
        q.get("person") or None,
        q.get("section") or None,
        q.get("action") or None,
    )
    entries = oversight.list_audit(
        db, actor, site=site, person=person, section=section, action=action
    )
    ctx = store.site_for(db, actor, site)
    from wiki.store import circle

    return page(
        request,
        "audit.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "entries": entries,
            "members": circle.list_members(db, actor, site=site),
            "links": links.list_guest_links(db, actor, site=site),
            "filters": {"person": person or "", "section": section or "", "action": action or ""},
        },
    )


async def growing_up_get(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    ctx = store.site_for(db, actor, site)
    status = oversight.control_status(db, actor, site=site)
    return page(
        request, "growing_up.html", {"site": ctx.site, "ctx": ctx, "status": status, "errors": {}}
    )


async def growing_up_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    form = await request.form()
    decisions = {str(k)[7:]: str(v) for k, v in form.items() if str(k).startswith("choice:")}
    oversight.decide_control(db, actor, site=site, decisions=decisions)
    return redirect(f"/s/{site}?done=control")


routes = [
    Route("/g/{token}", guest_home, methods=["GET"]),
    Route("/g/{token}/{section}", guest_section, methods=["GET"]),
    Route("/g/{token}/{section}/{page}", guest_page, methods=["GET"]),
    Route("/s/{site}/audit", audit_page, methods=["GET"]),
    Route("/s/{site}/growing-up", growing_up_get, methods=["GET"]),
    Route("/s/{site}/growing-up", growing_up_post, methods=["POST"]),
    Route("/s/{site}/view-as/{who}", view_as_home, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}", view_as_section, methods=["GET"]),
    Route("/s/{site}/view-as/{who}/{section}/{page}", view_as_page, methods=["GET"]),
]
