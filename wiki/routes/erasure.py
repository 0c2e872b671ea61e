"""Deleting a plan (with 30 days to bring it back), bringing it back, and deleting an
account (issue #7; its own module since #13).

Every page here calls the store with the request's actor; the store asks the policy.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki.errors import Conflict, Forbidden, Invalid
from wiki.middleware import SESSION_COOKIE
from wiki.models import ANONYMOUS, SLUG_HELP, is_slug
from wiki.routes.common import (
    db_of,
    form_of,
    off_loop,
    page,
    redirect,
    require_signed_in,
    settings_of,
)
from wiki.store import account_erasure, erasure
from wiki.store.context import site_for


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


# ---- deleting a plan, bringing it back ----------------------------------------------------


async def delete_site_form(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    ctx = site_for(db, actor, _p(request, "site"))
    ctx.check("delete-plan")
    return page(
        request, "delete_site.html",
        {"site": ctx.site, "ctx": ctx, "errors": {}, "grace_days": erasure.GRACE_DAYS},
    )  # fmt: skip


async def delete_site_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    form = await form_of(request)
    try:
        # Off the event loop: deleting a big plan builds its archive and scrubs its text;
        # nobody else's page should wait for that (issue #15).
        await off_loop(
            erasure.delete_site,
            db, actor, site=_p(request, "site"), confirm=form.get("confirm", ""),
            files_dir=settings_of(request).files_path(),
        )  # fmt: skip
    except Invalid as wrong:
        ctx = site_for(db, actor, _p(request, "site"))
        return page(
            request, "delete_site.html",
            {"site": ctx.site, "ctx": ctx, "errors": {"confirm": wrong.message},
             "grace_days": erasure.GRACE_DAYS},
            status=422,
        )  # fmt: skip
    return redirect("/deleted?done=deleted")


async def deleted_list(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    done = {
        "deleted": f"Your plan is deleted. Nobody can see it now. You can bring it back for {erasure.GRACE_DAYS} days.",
    }.get(request.query_params.get("done", ""))
    return page(
        request, "deleted.html",
        {"deleted": erasure.deleted_sites(db, actor), "done": done, "errors": {}},
    )  # fmt: skip


async def restore_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    form = await form_of(request)
    raw = str(request.path_params["deletion"])
    slug = form.get("slug", "").strip().lower() or None
    if slug and (not is_slug(slug)):
        raise Invalid(SLUG_HELP, fields={"slug": SLUG_HELP})
    try:
        result = await off_loop(  # re-renders every page of the plan: off the loop (#15)
            erasure.restore_site,
            db,
            actor,
            deletion_id=int(raw),
            slug=slug,
            files_dir=settings_of(request).files_path(),
        )
    except Conflict as taken:
        return page(
            request, "deleted.html",
            {"deleted": erasure.deleted_sites(db, actor), "done": None,
             "errors": {raw: taken.message}},
            status=409,
        )  # fmt: skip
    return redirect(f"/s/{result.slug}")


# ---- deleting an account ------------------------------------------------------------------


async def delete_account_form(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    return page(
        request, "delete_account.html",
        {"owned": account_erasure.owned_sites(db, actor), "pending": erasure.deleted_sites(db, actor),
         "errors": {}},
    )  # fmt: skip


async def delete_account_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    if actor.session_id is None:
        raise Forbidden("Deleting an account needs you to sign in in a browser, not with a token.")
    form = await form_of(request)
    try:
        await off_loop(  # may delete plans and files: off the event loop (issue #15)
            account_erasure.delete_account,
            db, actor, confirm_email=form.get("confirm", ""),
            files_dir=settings_of(request).files_path(),
        )  # fmt: skip
    except (Invalid, Conflict) as problem:
        return page(
            request, "delete_account.html",
            {"owned": account_erasure.owned_sites(db, actor), "pending": erasure.deleted_sites(db, actor),
             "errors": {"confirm": problem.message}},
            status=422 if isinstance(problem, Invalid) else 409,
        )  # fmt: skip
    request.state.actor = ANONYMOUS  # signed out from here on
    response = page(request, "account_deleted.html", {})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes = [
    Route("/deleted", deleted_list, methods=["GET"]),
    Route("/deleted/{deletion:int}/restore", restore_post, methods=["POST"]),
    Route("/account/delete", delete_account_form, methods=["GET"]),
    Route("/account/delete", delete_account_post, methods=["POST"]),
    Route("/s/{site}/-/delete", delete_site_form, methods=["GET"]),
    Route("/s/{site}/-/delete", delete_site_post, methods=["POST"]),
]
