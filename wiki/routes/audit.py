"""The audit log of a plan (issue #3; its own module since #13; growing up moved to
``wiki.routes.growing_up`` in #14).

Who did what in the plan; the store decides who may see it (owner and stewards).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.routes.common import db_of, page, require_signed_in
from wiki.store import activity


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


routes = [
    Route("/s/{site}/audit", audit_page, methods=["GET"]),
]
