"""The plan site's pages: home, sections, pages, editing, conflicts, history, diffs."""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from wiki import dates, store
from wiki import diff as differ
from wiki.errors import Clashed, Conflict, Invalid, NotFound, TooLarge
from wiki.models import MAX_TITLE, SLUG_HELP, Page, SiteCreate, is_slug, slug_problem
from wiki.plugins import context_of, shown
from wiki.routes import clashes, drafts, kept, plan_pages, site_setup
from wiki.routes.common import (
    MAX_REVISION,
    actor_of,
    db_of,
    form_of,
    kept_page,
    login_url,
    page,
    prepared_text,
    redirect,
    require_signed_in,
    revision_number,
    settings_of,
)
from wiki.store import holders, merging


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return slug or "page"


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


async def home(request: Request) -> Response:
    actor = actor_of(request)
    if not actor.signed_in:
        return page(request, "welcome.html")
    sites = store.list_sites(db_of(request), actor)
    return page(request, "home.html", {"sites": sites, "form": {"template": "person-centred-plan"}, "errors": {},
                                       "site_templates": site_setup.site_templates(request)})  # fmt: skip


async def create_site(request: Request) -> Response:
    actor = require_signed_in(request)
    form = await form_of(request)
    born = dates.read(form, "date_of_birth")  # three boxes, day month year (issue #16)
    values = {
        "slug": form.get("slug", "").strip().lower(),
        "title": form.get("title", "").strip(),
        "date_of_birth": born.iso,
        "template": form.get("template") or None,
        # A plan made for someone else (issue #14): their name, and their email if known.
        "for_name": (form.get("for_name", "").strip() or None)
        if form.get("for") == "other"
        else None,
        "for_email": (form.get("for_email", "").strip() or None)
        if form.get("for") == "other"
        else None,
    }
    if form.get("for") == "other" and not (values["for_name"] or values["for_email"]):
        errors_first = {"for_name": "Give the name of the person the plan is for."}
    else:
        errors_first = {}
    if born.error:
        errors_first["date_of_birth"] = born.error
    if not values["slug"] and values["title"]:
        values["slug"] = slugify(values["title"])
    errors: dict[str, str] = dict(errors_first)
    try:
        if errors:
            raise Invalid(next(iter(errors.values())), fields=errors)
        body = SiteCreate.model_validate(values)
        site = site_setup.create_site(request, actor, body)
        return redirect(f"/s/{site.slug}")
    except ValidationError as invalid:
        for e in invalid.errors():
            field = str(e["loc"][0]) if e["loc"] else "form"
            errors[field] = {
                "slug": SLUG_HELP,
                "title": f"Give the site a name of up to {MAX_TITLE} characters.",
            }.get(field, str(e["msg"]).removeprefix("Value error, "))
    except Conflict as taken:
        errors["slug"] = taken.message
    except Invalid as problem:  # an unknown template, or the young person's details
        errors[next(iter(problem.fields), "template")] = problem.message
    sites = store.list_sites(db_of(request), actor)
    shown = {**values, "for": form.get("for") or "me", "date_of_birth": born}
    return page(
        request, "home.html", {"sites": sites, "form": shown, "errors": errors,
                               "site_templates": site_setup.site_templates(request)}, status=422,
    )  # fmt: skip


async def site_home(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in and not actor.is_guest:
        return redirect(login_url(request.url.path))
    ctx = store.site_for(db, actor, _p(request, "site"))
    shown_home = plan_pages.home_of(request, ctx)
    just_taken = request.query_params.get("done") == "owner" and ctx.allows("hand-over-plan")
    # Just accepted, with the welcome put away: who else can reach it, here (issue #23).
    if just_taken and shown_home["welcome"] is None:
        shown_home["others"] = holders.who_else(db, ctx)
    return page(request, "site.html", shown_home)


async def add_section(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    form = await form_of(request)
    title = form.get("title", "").strip()
    key = form.get("key", "").strip() or slugify(title)
    if not title or len(title) > MAX_TITLE:
        raise Invalid(
            f"Give the section a name of up to {MAX_TITLE} characters.", fields={"title": "Needed."}
        )
    if problem := slug_problem(key, section_key=True):
        raise Invalid(problem, fields={"key": problem})
    store.add_section(db, actor, site=site, key=key, title=title)
    return redirect(f"/s/{site}/{key}")


async def section_view(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in and not actor.is_guest:
        return redirect(login_url(request.url.path))
    ctx = store.site_for(db, actor, _p(request, "site"))
    key, hit = kept_page(request, ctx, "section.html")
    if hit is not None:  # drawn before, nothing it shows has changed (issue #21)
        ctx.require("view", _p(request, "section"))
        return kept.serve(request, hit)
    ctx, pages = store.list_pages(db, actor, site=ctx, section=_p(request, "section"))
    return page(
        request, "section.html", plan_pages.section_of(ctx, _p(request, "section"), pages), keep=key
    )


async def section_post(request: Request) -> Response:
    """New page (from a title), rename the section, or move it up/down."""
    db, actor = db_of(request), require_signed_in(request)
    site, section = _p(request, "site"), _p(request, "section")
    form = await form_of(request)
    action = form.get("action", "new-page")
    if action == "rename":
        title = form.get("title", "").strip()
        if not title or len(title) > MAX_TITLE:
            raise Invalid(
                f"Give the section a name of up to {MAX_TITLE} characters.",
                fields={"title": "Needed."},
            )
        store.rename_section(db, actor, site=site, section=section, title=title)
        return redirect(f"/s/{site}/{section}")
    if action in ("up", "down"):
        store.move_section(db, actor, site=site, section=section, step=-1 if action == "up" else 1)
        return redirect(f"/s/{site}")
    ctx = store.site_for(db, actor, site)
    ctx.require("edit", section)
    title = form.get("title", "").strip()
    if not title or len(title) > MAX_TITLE:
        raise Invalid(
            f"Give the page a title of up to {MAX_TITLE} characters.", fields={"title": "Needed."}
        )
    return redirect(f"/s/{site}/{section}/{slugify(title)}/edit?title={quote(title)}")


async def page_view(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    if not actor.signed_in and not actor.is_guest:
        return redirect(login_url(request.url.path))
    ctx = store.site_for(db, actor, site)  # loaded and decided once (issue #13)
    key, hit = kept_page(request, ctx, "page.html")
    if hit is not None:  # drawn before, nothing it shows has changed (issue #21)
        store.note_view(db, ctx, section=section, page_id=hit.page_id)
        return kept.serve(request, hit)
    try:
        ctx, found = store.get_page(db, actor, site=ctx, section=section, page=slug)
    except NotFound:
        moved = store.redirect_for(db, actor, site=ctx, section=section, page=slug)
        if moved:
            return redirect(f"/s/{site}/{section}/{moved}", status=301)
        sec = ctx.section(section)  # 404 if the section is not yours to see
        if ctx.allows("edit", sec.key):
            return page(
                request,
                "missing.html",
                {"site": ctx.site, "ctx": ctx, "section": sec, "slug": slug},
                status=404,
            )
        raise
    found = shown(request, ctx, found, f"/s/{site}")  # read through, as this reader (#14)
    sec = found.section
    return page(
        request,
        "page.html",
        {
            **plan_pages.page_of(ctx, found),
            "saved": _saved(request, ctx, found),
            # Their own words not saved yet (issue #26): only ever the reader's own.
            "draft": store.get_draft(db, actor, site=ctx, section=sec.key, page=found.slug)
            if actor.signed_in and ctx.allows("edit", sec.key)
            else None,
        },
        keep=key,
    )


def _saved(request: Request, ctx: store.SiteContext, found: Page) -> dict[str, Any] | None:
    """After a save (``?saved=N``, issue #26): "Saved ✓", and who else changed the page
    when their change was merged in. Said only to the person who saved revision N."""
    raw = request.query_params.get("saved", "")
    actor = actor_of(request)
    if not _is_number(raw) or not actor.signed_in or int(raw) > found.revision:
        return None
    others = merging.saved_by(db_of(request), actor, site=ctx, section=found.section.key,
                              page_id=found.id, number=int(raw))  # fmt: skip
    if others is None:
        return None
    return {"revision": int(raw), "others": " and ".join(others)}


async def edit_form(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    if not actor.signed_in:
        return redirect(login_url(request.url.path))
    ctx = store.site_for(db, actor, site)
    sec = ctx.require("edit", section)
    if not is_slug(slug):
        raise Invalid(SLUG_HELP)
    try:
        _, found = store.get_page(
            db, actor, site=ctx, section=section, page=slug, record_view=False
        )
    except NotFound:
        found = None
    draft = store.get_draft(db, actor, site=ctx, section=section, page=slug) if found else None
    if draft is not None and not draft.in_text_editor:
        draft = None  # words from a block's form wait in that form
    values = {
        "title": (
            found.title
            if found
            else request.query_params.get("title", slug.replace("-", " ").capitalize())
        )[:MAX_TITLE],
        "body": found.body if found else "",
        "base": found.revision if found else "",
        "summary": "",
    }
    return page(
        request,
        "edit.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": sec,
            "slug": slug,
            "page": found,
            "values": values,
            "draft": draft,
            "errors": {},
            "max_chars": settings_of(request).max_page_chars,
        },
    )


async def edit_save(request: Request) -> Response:
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    form = await form_of(request)
    if (kept := await drafts.kept_if_signed_out(request, form)) is not None:
        return kept  # the session timed out while they typed: their words wait (issue #26)
    db, actor = db_of(request), require_signed_in(request)
    if form.get("action") == "discard-draft":
        store.discard_draft(db, actor, site=site, section=section, page=slug)
        return redirect(f"/s/{site}/{section}/{slug}/edit")
    body, title = form.get("body", ""), form.get("title", "").strip()
    summary = form.get("summary", "").strip()[:300]
    base_text = form.get("base", "").strip()
    ctx = store.site_for(db, actor, site)
    sec = ctx.require("edit", section)
    errors = {}
    if not title or len(title) > MAX_TITLE:
        errors["title"] = f"Give the page a title of up to {MAX_TITLE} characters."
    if not is_slug(slug):
        errors["title"] = SLUG_HELP
    if len(body) > settings_of(request).max_page_chars:
        errors["body"] = (
            f"A page can hold up to {settings_of(request).max_page_chars:,} characters;"
            f" this has {len(body):,}. Split it into two pages."
        )
    values = {"title": title, "body": body, "base": base_text, "summary": summary}
    prepared = None
    if not errors:
        # Long text renders off the event loop; text nested beyond reason is refused here,
        # before anything is saved, and comes back in the form (issue #15).
        try:
            prepared = await prepared_text(db, site=ctx.site.slug, body=body,
                                           max_chars=settings_of(request).max_page_chars)  # fmt: skip
        except Invalid as refused:
            errors["body"] = refused.message
    if errors or form.get("action") == "preview":
        # "Preview" without JavaScript (issue #16): the same form again, with the text as
        # it will look; nothing is saved. editor.js asks /preview for the same HTML instead.
        try:  # say which page is being edited, and let Cancel go back to it
            existing = store.get_page(
                db, actor, site=ctx, section=section, page=slug, record_view=False
            )[1]
        except NotFound:
            existing = None
        return page(
            request,
            "edit.html",
            {
                "site": ctx.site,
                "ctx": ctx,
                "section": sec,
                "slug": slug,
                "page": existing,
                "values": values,
                "draft": None,
                "errors": errors,
                "max_chars": settings_of(request).max_page_chars,
                "preview_html": prepared.html if prepared is not None and not errors else None,
            },
            status=422 if errors else 200,
        )
    base = int(base_text) if _is_number(base_text) else None
    try:  # a stale base is merged three ways; only a real clash asks (issue #26)
        done = merging.save_merging(db, actor, site=ctx, section=section, page=slug, body=body,
                                    base_revision=base, summary=summary, title=title,
                                    max_chars=settings_of(request).max_page_chars,
                                    prepared=prepared)  # fmt: skip
    except Clashed as clashed:
        return clashes.show(request, ctx=ctx, section=section, slug=slug, clashed=clashed,
                            summary=summary)  # fmt: skip
    except Conflict as conflict:  # the page went away (renamed) while they typed
        return page(
            request,
            "conflict.html",
            {"site": ctx.site, "ctx": ctx, "section": sec, "slug": slug, "current": conflict.current,
             "values": values, "theirs": [], "mine": []},
            status=409,
        )  # fmt: skip
    return redirect(clashes.saved_url(site, section, slug, done.saved.page.revision))


async def preview_post(request: Request) -> Response:
    """The page text as it will look, for the editor's Preview tab (issue #16).

    Only someone who may edit the section gets it (404 if they may not view it), it is
    rendered exactly as a save would render it (inert markdown, the same limits), and
    nothing is saved. The answer is an HTML fragment for editor.js to show."""
    db, actor = db_of(request), require_signed_in(request)
    ctx = store.site_for(db, actor, _p(request, "site"))
    ctx.require("edit", _p(request, "section"))
    form = await form_of(request)
    body = form.get("body", "")
    try:
        prepared = await prepared_text(db, site=ctx.site.slug, body=body,
                                       max_chars=settings_of(request).max_page_chars)  # fmt: skip
    except (Invalid, TooLarge) as refused:
        return HTMLResponse(
            f'<p class="field-error">{escape(refused.message)}</p>', status_code=422
        )
    if not prepared.html.strip():
        return HTMLResponse(
            '<p class="meta">There is nothing to show yet: write something first.</p>'
        )
    return HTMLResponse(prepared.html)


async def history_view(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in and not actor.is_guest:
        return redirect(login_url(request.url.path))
    ctx, found, revisions = store.history(
        db,
        actor,
        site=_p(request, "site"),
        section=_p(request, "section"),
        page=_p(request, "page"),
    )
    return page(
        request,
        "history.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": found.section,
            "page": found,
            "revisions": revisions,
            "can_edit": ctx.allows("edit", found.section.key),
        },
    )


def _is_number(raw: str) -> bool:
    """Plain digits 0-9 making a number SQLite can hold (not "²", not beyond 64 bits)."""
    return raw.isascii() and raw.isdigit() and int(raw) <= MAX_REVISION


def _number(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not _is_number(raw):
        raise Invalid(f"“{name}” must be a revision number, like 3.")
    return int(raw)


async def diff_view(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in and not actor.is_guest:
        return redirect(login_url(request.url.path))
    args: dict[str, Any] = {
        "site": _p(request, "site"),
        "section": _p(request, "section"),
        "page": _p(request, "page"),
    }
    ctx, found = store.get_page(db, actor, **args, record_view=False)
    args["site"] = ctx  # decided once for the whole request (issue #13)
    to = _number(request, "to", found.revision)
    frm = _number(request, "from", max(1, to - 1))
    _, _, old = store.get_revision(db, actor, **args, number=frm)
    _, _, new = store.get_revision(db, actor, **args, number=to)
    lines = differ.diff_lines(old.body, new.body)
    # A page made of blocks reads as words ("Important to me: added …"), with the text's
    # diff one click away (issue #16). Only these two revisions of this one page, which
    # the reader may already read, are handed to the plugin.
    as_text = request.query_params.get("view") == "text"
    words = None
    if old.body != new.body:
        plugin_ctx = context_of(request)
        plugin_ctx.remember(ctx)
        words = request.app.state.plugins.hook.describe_changes(
            context=plugin_ctx, old=old.body, new=new.body
        )
    return page(
        request,
        "diff.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": found.section,
            "page": found,
            "old": old,
            "new": new,
            "lines": lines,
            "changed": differ.has_changes(lines) or old.title != new.title,
            "words": None if as_text else words,
            "has_words": bool(words),
            "here": f"/s/{ctx.site.slug}/{found.section.key}/{found.slug}/diff?from={frm}&to={to}",
        },
    )


async def revision_view(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in and not actor.is_guest:
        return redirect(login_url(request.url.path))
    ctx, found, rev = store.get_revision(
        db,
        actor,
        site=_p(request, "site"),
        section=_p(request, "section"),
        page=_p(request, "page"),
        number=revision_number(request),
    )
    return page(
        request,
        "revision.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": found.section,
            "page": found,
            "rev": rev,
            "can_edit": ctx.allows("edit", found.section.key),
        },
    )


async def restore_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    form = await form_of(request)
    number = form.get("revision", "")
    if not _is_number(number):
        raise Invalid("Choose a revision to restore.")
    store.restore(db, actor, site=site, section=section, page=slug, number=int(number))
    return redirect(f"/s/{site}/{section}/{slug}/history")


async def rename_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    form = await form_of(request)
    new_slug = form.get("slug", "").strip().lower()
    if not is_slug(new_slug):
        raise Invalid(SLUG_HELP, fields={"slug": SLUG_HELP})
    renamed = store.rename_page(db, actor, site=site, section=section, page=slug, new_slug=new_slug)
    return redirect(f"/s/{site}/{section}/{renamed.slug}")


routes = [
    Route("/", home, methods=["GET"]),
    Route("/sites", create_site, methods=["POST"]),
    Route("/s/{site}", site_home, methods=["GET"]),
    Route("/s/{site}/sections", add_section, methods=["POST"]),
    Route("/s/{site}/{section}", section_view, methods=["GET"]),
    Route("/s/{site}/{section}", section_post, methods=["POST"]),
    Route("/s/{site}/{section}/{page}", page_view, methods=["GET"]),
    Route("/s/{site}/{section}/{page}/edit", edit_form, methods=["GET"]),
    Route("/s/{site}/{section}/{page}/edit", edit_save, methods=["POST"]),
    Route("/s/{site}/{section}/{page}/preview", preview_post, methods=["POST"]),
    Route("/s/{site}/{section}/{page}/history", history_view, methods=["GET"]),
    Route("/s/{site}/{section}/{page}/diff", diff_view, methods=["GET"]),
    Route("/s/{site}/{section}/{page}/revisions/{n:int}", revision_view, methods=["GET"]),
    Route("/s/{site}/{section}/{page}/restore", restore_post, methods=["POST"]),
    Route("/s/{site}/{section}/{page}/rename", rename_post, methods=["POST"]),
]
