"""The plan home about the person (issue #16): the form for the young person's own line and
photo (``/s/{site}/-/introduction``) and the welcome (``/s/{site}/-/welcome``), which each
person can put away and bring back. Both live under ``/-/``, a reserved word, so no
section's address is taken from a plan that already has one called "welcome".

The store decides who may (``change-introduction``, ``dismiss-welcome``); these routes
only ask it and show its answer.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import Invalid
from wiki.models import MAX_INTRO
from wiki.routes.common import db_of, form_of, page, redirect, require_signed_in
from wiki.store import holders, introduction
from wiki.store.context import SiteContext
from wiki.words import say_later

FIRST_STEPS_SECTION = "about-me"


def first_steps(ctx: SiteContext) -> list[dict[str, str]]:
    """The young person's three first steps, each where they are done."""
    root = f"/s/{ctx.site.slug}"
    about = next((s for s in ctx.sections if s.key == FIRST_STEPS_SECTION), None)
    about = about or (ctx.sections[0] if ctx.sections else None)
    steps = []
    if about is not None:
        steps.append({"label": say_later("welcome.step_write"), "url": f"{root}/{about.key}",
                      "why": say_later("welcome.step_write_why")})  # fmt: skip
    if ctx.allows("see-sharing"):
        steps.append({"label": say_later("welcome.step_share"), "url": f"{root}/sharing/new",
                      "why": say_later("welcome.step_share_why")})  # fmt: skip
    if ctx.allows("change-introduction"):
        steps.append({"label": say_later("welcome.step_photo"), "url": f"{root}/-/introduction",
                      "why": say_later("welcome.step_photo_why")})  # fmt: skip
    return steps


def welcome_of(
    request: Request, ctx: SiteContext, *, always: bool = False
) -> dict[str, Any] | None:
    """What the welcome says to this person, or None (guests, previews, or put away)."""
    if ctx.actor.is_guest or not ctx.allows("dismiss-welcome"):
        return None
    db = db_of(request)
    if not always and introduction.welcome_put_away(db, ctx):
        return None
    if ctx.is_young_person:
        # The young person: what the plan is, who else can reach it by name (never "nobody"
        # while someone can, issue #23), and first steps.
        return {"kind": "own", "steps": first_steps(ctx), "others": holders.who_else(db, ctx)}
    if ctx.allows("offer-plan"):  # a parent keeping a plan made for a child, not yet theirs
        return {"kind": "keeper", "steps": first_steps(ctx)}
    if ctx.allows("manage-circle"):
        # Someone who helps manage a plan that is its young person's own: they shared
        # nothing with themselves (issue #23), they look after it with the young person.
        return {"kind": "steward"}
    return {"kind": "member", "shared": introduction.shared_with(db, ctx)}


def upload_target(db: Any, ctx: SiteContext) -> dict[str, str] | None:
    """Where a new photo is kept: the young person's one-page profile (or the first page
    about them), through the ordinary upload path and its checks; None if they may not."""
    about = next((s for s in ctx.sections if s.key == FIRST_STEPS_SECTION), None)
    if about is None or not ctx.allows("upload", about.key):
        return None
    _, pages = store.list_pages(db, ctx.actor, site=ctx, section=about.key)
    chosen = next((p for p in pages if p.slug == "one-page-profile"), pages[0] if pages else None)
    if chosen is None:
        return None
    return {"section": about.key, "page": chosen.slug, "title": chosen.title}


async def intro_get(
    request: Request, *, errors: dict[str, str] | None = None, form: dict[str, str] | None = None
) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    ctx = store.site_for(db, actor, str(request.path_params["site"]))
    ctx.check("change-introduction")
    photo = introduction.photo_of(db, ctx)
    choices = introduction.photo_choices(db, ctx)
    just_added = request.query_params.get("photo", "")
    if just_added not in {a.key for a in choices}:
        just_added = ""
    shown = form or {"intro": ctx.site.intro,
                     "photo": just_added or (photo.key if photo else "")}  # fmt: skip
    return page(
        request,
        "introduction.html",
        {"site": ctx.site, "ctx": ctx, "form": shown, "errors": errors or {},
         "choices": choices, "max_intro": MAX_INTRO,
         "upload_to": upload_target(db, ctx), "just_added": just_added},
        status=422 if errors else 200,
    )  # fmt: skip


async def intro_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = str(request.path_params["site"])
    form = await form_of(request)
    values = {"intro": form.get("intro", ""), "photo": form.get("photo", "")}
    try:
        introduction.set_introduction(
            db, actor, site=site, intro=values["intro"], photo=values["photo"] or None
        )
    except Invalid as problem:  # the words they typed stay in the box
        errors = {name: problem.message for name in problem.fields}
        return await intro_get(request, errors=errors, form=values)
    return redirect(f"/s/{site}?done=intro")


async def welcome_get(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    ctx = store.site_for(db, actor, str(request.path_params["site"]))
    ctx.check("dismiss-welcome")
    return page(
        request,
        "welcome_plan.html",
        {"site": ctx.site, "ctx": ctx, "welcome": welcome_of(request, ctx, always=True),
         "put_away": introduction.welcome_put_away(db, ctx)},
    )  # fmt: skip


async def welcome_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = str(request.path_params["site"])
    form = await form_of(request)
    away = form.get("welcome", "hide") != "show"
    introduction.put_welcome_away(db, actor, site=site, away=away)
    return redirect(f"/s/{site}" + ("?done=welcome-away" if away else ""))


routes = [
    Route("/s/{site}/-/introduction", intro_get, methods=["GET"]),
    Route("/s/{site}/-/introduction", intro_post, methods=["POST"]),
    Route("/s/{site}/-/welcome", welcome_get, methods=["GET"]),
    Route("/s/{site}/-/welcome", welcome_post, methods=["POST"]),
]
