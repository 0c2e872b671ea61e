"""The audit log of a plan and the growing-up choice (issue #3; its own module since #13).

Both are the oversight pages of a plan: who did what, and who keeps control once the young
person grows up. The store decides who may see or choose (owner and stewards).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.routes.common import db_of, page, redirect, require_signed_in
from wiki.store import activity, oversight


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


# ---- audit and growing up -------------------------------------------------------------------


async def audit_page(request: Request) -> Response:
    """The easy-read log (issue #14): sentences by person and day, the reader's own activity
    hidden unless ``mine=1``, a "stop sharing" button by each person, the weekly email."""
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    q = request.query_params
    ctx = store.site_for(db, actor, site)
    mine = q.get("mine") == "1"
    people = activity.easy_log(db, actor, site=ctx, mine=mine, person=q.get("person") or None)
    return page(
        request,
        "audit.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "people": people,
            "mine": mine,
            "weekly": activity.digest_wanted(db, actor, site=ctx),
            "may_stop": ctx.allows("manage-circle"),
            "notice": q.get("done", ""),
        },
    )


async def growing_up_get(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    ctx = store.site_for(db, actor, site)
    status = oversight.control_status(db, actor, site=ctx)
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
    Route("/s/{site}/audit", audit_page, methods=["GET"]),
    Route("/s/{site}/growing-up", growing_up_get, methods=["GET"]),
    Route("/s/{site}/growing-up", growing_up_post, methods=["POST"]),
]
