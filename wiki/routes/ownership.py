"""Who owns the plan (issue #14): ``/s/{site}/owner``.

For a plan made for someone, its stewards send the young person the offer of their plan
(again, or to a corrected address) or take it back; the owner of a plan hands it to
another person (an offer the other accepts) and says what they keep. Everyone else finds
nothing here. The store decides (``offer-plan``, ``hand-over-plan``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import NotFound, WikiError
from wiki.routes.common import db_of, form_of, page, redirect, require_signed_in
from wiki.routes.invitations import send_offer
from wiki.store import ownership
from wiki.words import say_later

DONE = {  # said in the reader's words when the page is drawn (issue #16)
    "offered": say_later("owner.done_offered"),
    "handed": say_later("owner.done_handed"),
    "withdrawn": say_later("owner.done_withdrawn"),
}


async def owner_page(request: Request, *, errors: dict[str, Any] | None = None, status: int = 200,
                     values: dict[str, Any] | None = None) -> Response:  # fmt: skip
    db, actor = db_of(request), require_signed_in(request)
    ctx = store.site_for(db, actor, str(request.path_params["site"]))
    if not (ctx.allows("offer-plan") or ctx.allows("hand-over-plan") or ctx.allows("see-sharing")):
        raise NotFound()
    return page(request, "owner.html", {
        "site": ctx.site, "ctx": ctx, "offer": ownership.live_offer(db, actor, site=ctx),
        "declined": ownership.last_declined(db, actor, site=ctx),
        "errors": errors or {}, "values": values or {},
        "done": DONE.get(request.query_params.get("done", ""), ""),
    }, status=status)  # fmt: skip


async def owner_get(request: Request) -> Response:
    return await owner_page(request)


async def owner_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = str(request.path_params["site"])
    form = await form_of(request)
    action = form.get("action", "")
    values = {k: form.get(k, "") for k in ("email", "name", "keep")}
    try:
        if action == "offer":
            offer = ownership.offer_plan(db, actor, site=site, email=values["email"],
                                         name=values["name"])  # fmt: skip
            send_offer(db, request, offer)
            done = "offered"
        elif action == "hand-over":
            offer = ownership.hand_over(db, actor, site=site, email=values["email"],
                                        keep=values["keep"] or "manage")  # fmt: skip
            send_offer(db, request, offer)
            done = "handed"
        elif action == "withdraw":
            ownership.withdraw_offer(db, actor, site=site)
            done = "withdrawn"
        else:
            raise NotFound()
    except WikiError as problem:
        if isinstance(problem, NotFound):
            raise
        return await owner_page(request, status=problem.status, values=values,
                                errors={"form": problem.message, **problem.fields})  # fmt: skip
    return redirect(f"/s/{site}/owner?done={done}")


routes = [
    Route("/s/{site}/owner", owner_get, methods=["GET"]),
    Route("/s/{site}/owner", owner_post, methods=["POST"]),
]
