"""Growing up, addressed to the right person (issues #3, #14): ``/s/{site}/growing-up``.

The young person reads that the decisions become theirs, and makes the choices (keep,
editor, remove) for each steward once the day has come; a steward reads their own words
("from 25 June 2027 Ellis decides…") and can never choose for the young person; anyone
else finds nothing here (404). The store decides all of it (``see-growing-up``,
``decide-at-16``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.routes.common import db_of, page, redirect, require_signed_in
from wiki.store import oversight, ownership
from wiki.store.growing_up import NOTICE_DAYS, day_words


async def growing_up_get(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    ctx = store.site_for(db, actor, str(request.path_params["site"]))
    status = oversight.control_status(db, actor, site=ctx)
    return page(request, "growing_up.html", {
        "site": ctx.site, "ctx": ctx, "status": status, "errors": {},
        "day": day_words(status.due_on) if status.due_on else "", "notice_days": NOTICE_DAYS,
        "offer": ownership.live_offer(db, actor, site=ctx),
    })  # fmt: skip


async def growing_up_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = str(request.path_params["site"])
    form = await request.form()
    decisions = {str(k)[7:]: str(v) for k, v in form.items() if str(k).startswith("choice:")}
    oversight.decide_control(db, actor, site=site, decisions=decisions)
    return redirect(f"/s/{site}?done=control")


routes = [
    Route("/s/{site}/growing-up", growing_up_get, methods=["GET"]),
    Route("/s/{site}/growing-up", growing_up_post, methods=["POST"]),
]
