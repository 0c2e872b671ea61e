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
from wiki.store import links, oversight


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


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
    ctx = store.site_for(db, actor, site)  # loaded and decided once (issue #13)
    entries = oversight.list_audit(
        db, actor, site=ctx, person=person, section=section, action=action
    )
    from wiki.store import circle

    return page(
        request,
        "audit.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "entries": entries,
            "members": circle.list_members(db, actor, site=ctx),
            "links": links.list_guest_links(db, actor, site=ctx),
            "filters": {"person": person or "", "section": section or "", "action": action or ""},
        },
    )


routes = [
    Route("/s/{site}/audit", audit_page, methods=["GET"]),
]
