"""What every route needs: the actor, the database, rendering a page, reading a form."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote

import anyio.to_thread
from anyio import CapacityLimiter
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from wiki import csrf
from wiki.db import Database
from wiki.errors import NotFound, NotSignedIn, SlowDown, TooLarge
from wiki.models import OWN_COLOURS, Actor, Preferences
from wiki.plugins import PluginContext, collect, context_of
from wiki.routes import kept
from wiki.settings import Settings
from wiki.store import appearance
from wiki.store import files as attachments
from wiki.store.pages import Prepared, prepare_text
from wiki.templates import available_themes, render_template

T = TypeVar("T")
_limiter: CapacityLimiter | None = None


async def off_loop(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run slow read-only store work (a search, the sharing page) in a worker thread.

    SQLite lets go of the GIL while it searches, so page views go on being served
    meanwhile instead of queueing behind it (issue #8). At most four at once: each
    worker thread keeps its own SQLite connection and page cache. Saves stay on the
    event loop: measured, a save in a worker thread cost 1–1.6 ms more CPU (its
    connection's page cache starts cold after every other connection's write, and the
    GIL changes hands), 236 against 330 saves a second with 4 editors.
    """
    global _limiter
    if _limiter is None:
        _limiter = CapacityLimiter(4)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=_limiter)


# ---- a save's rendering, off the loop (issue #15) ------------------------------------------
# One save of hostile text used to render for seconds on the event loop while every other
# request waited. The text is now checked and rendered before the save: on the loop when
# it is short (measured: a thread costs ~0.2 ms more CPU per render, against ~0.4 ms for
# an average 2 KB page, and the saves benchmark is mostly short pages), in a worker thread
# otherwise, at most two at once. wiki/render.py bounds what one render may cost: 4,000
# characters of the costliest text that passes its checks render in ~50 ms.
RENDER_ON_LOOP_CHARS = 4_000
_render_limiter: CapacityLimiter | None = None


async def prepared_text(db: Database, *, site: str, body: str, max_chars: int) -> Prepared:
    """The text checked and rendered for a save (``store.save_page(prepared=...)``)."""
    global _render_limiter
    if len(body) <= RENDER_ON_LOOP_CHARS:
        return prepare_text(db, site=site, body=body, max_chars=max_chars)
    if _render_limiter is None:
        _render_limiter = CapacityLimiter(2)
    work = functools.partial(prepare_text, db, site=site, body=body, max_chars=max_chars)
    return await anyio.to_thread.run_sync(work, limiter=_render_limiter)


# ---- searches on their own threads (issue #15) ----------------------------------------------
# Searches used to share off_loop's four threads with other slow reads, so a burst of them
# queued everything else and piled up without end. They now have two threads of their own
# (one per core here; SQLite lets go of the GIL while it searches), and at most
# SEARCH_BACKLOG waiting or running: one more is told to try again in a moment.
SEARCH_THREADS = 2
SEARCH_BACKLOG = 16
_search_pool: ThreadPoolExecutor | None = None
_searching = 0


class Busy(SlowDown):
    """The server has too much of this kind of work in hand: try again shortly."""

    status = 503
    code = "busy"


async def off_loop_search(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run a search on the searches' own threads, or refuse it (503) when too many wait."""
    global _search_pool, _searching
    if _searching >= SEARCH_BACKLOG:
        raise Busy("Too many searches are running right now. Please try again in a moment.",
                   retry_after=2)  # fmt: skip
    if _search_pool is None:
        _search_pool = ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="planwiki-search")
    _searching += 1
    try:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_search_pool, functools.partial(fn, *args, **kwargs))
    finally:
        _searching -= 1


# A revision number from a path or a form: SQLite stores 64-bit integers, and a number
# beyond that used to fail inside SQLite with a 500 (issue #15). No page has that many.
MAX_REVISION = 2**63 - 1


def revision_number(request: Request, name: str = "n") -> int:
    """The path's revision number; one no page can have is simply not found (404)."""
    number = int(request.path_params[name])
    if not 0 <= number <= MAX_REVISION:
        raise NotFound("That page has no such revision.")
    return number


def actor_of(request: Request) -> Actor:
    actor: Actor = request.state.actor
    return actor


def db_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_signed_in(request: Request) -> Actor:
    actor = actor_of(request)
    if not actor.signed_in:
        raise NotSignedIn("Please sign in first.")
    return actor


def csrf_token(request: Request) -> str:
    """This browser's token for its forms (and the ``x-csrftoken`` header)."""
    return csrf.token_of(request.scope)


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    theme: str | None = None,
    keep: kept.Key | None = None,
) -> HTMLResponse:
    """The page drawn for this request; with ``keep`` (``kept_page``'s key) it is also kept,
    drawn with a mark where the browser's token goes (issue #21)."""
    token = csrf_token(request)
    drawn = kept.MARK if keep is not None else token
    ctx = {
        "request": request,
        "actor": actor_of(request),
        "csrftoken": drawn,
        # the hidden form field, ready made: cheaper than a macro call per form (issue #8)
        "csrf_field": Markup('<input type="hidden" name="csrftoken" value="{}">').format(drawn),
        "path": request.scope["path"],
        **(context or {}),
    }
    site = ctx.get("site")
    if site is not None:
        ctx.setdefault("root", f"/s/{site.slug}")
    site_ctx = ctx.get("ctx")
    if site_ctx is not None:
        pm = request.app.state.plugins
        # "See it as" someone: the plugins' buttons as that person would get them (#23).
        plugin_ctx = (
            PluginContext(request.app.state.db, site_ctx.actor)
            if ctx.get("preview")
            else context_of(request)
        )
        plugin_ctx.remember(site_ctx)
        if not ctx.get("readonly"):
            if site_ctx.actor.signed_in and not ctx.get("preview"):  # issue #16
                ctx.setdefault("welcome_link", f"/s/{site_ctx.site.slug}/-/welcome")
            ctx["plugin_nav"] = collect(pm.hook.site_nav_entries(context=plugin_ctx, site=site_ctx))
            if ctx.get("plan_home"):
                ctx["home_notes"] = collect(
                    pm.hook.plan_home_notes(context=plugin_ctx, site=site_ctx)
                )
        if ctx.get("page") is not None and hasattr(ctx["page"], "html"):
            ctx["page_actions"] = collect(
                pm.hook.page_actions(
                    context=plugin_ctx, site=site_ctx, page=ctx["page"], root=ctx["root"]
                )
            )
            if not ctx.get("readonly"):
                ctx["edit_link"] = pm.hook.edit_link(
                    context=plugin_ctx, site=site_ctx, page=ctx["page"], root=ctx["root"]
                )
    prefs = preferences_of(request)
    if ctx.get("preview") and site_ctx is not None:
        # "See it as" someone (issue #23): their words and pictures (easy read or not), in
        # the look the person previewing reads comfortably.
        ctx["viewer_easy"] = prefs.easy_read  # the banner is for the person previewing
        prefs = prefs.model_copy(update={"easy_read": site_ctx.actor.preferences.easy_read})
    ctx["prefs"] = prefs
    plan_look = (
        theme or (getattr(site, "theme", None) if site else None) or settings_of(request).theme
    )
    chosen = prefs.theme_or(plan_look)
    if chosen not in available_themes():  # a cookie may name a look no longer installed
        chosen = plan_look
    ctx.setdefault("theme", chosen)
    if site_ctx is not None:
        _look_and_media(request, ctx, site_ctx, chosen)
    own = prefs.own_colours if chosen == OWN_COLOURS else None
    if own is not None:  # after the plan's accent, so the reader's own pair wins (issue #16)
        ctx["colours_css"] = f"/reading/colours/{own[0].lstrip('#')}-{own[1].lstrip('#')}.css"
    html = render_template(template, ctx, theme=chosen)
    if keep is not None:
        shown_page = ctx.get("page")
        page_id = getattr(shown_page, "id", None)
        made = kept.shelf_of(request).put(keep, html, status, page_id, len(token.encode()))
        return kept.serve(request, made)
    return HTMLResponse(html, status_code=status)


def kept_page(
    request: Request, site_ctx: Any, template: str
) -> tuple[kept.Key | None, kept.Kept | None]:
    """The key a plan page is kept by for this request, and the page if it is kept
    (``wiki/routes/kept.py``). The caller has loaded ``site_ctx`` on this request, and
    checks the section and files the view before serving a kept page."""
    if not kept.shelf_of(request).enabled:
        return None, None
    key = kept.key_for(request, site_ctx, preferences_of(request), template)
    return key, kept.lookup(request, key)


READING_COOKIE = "planwiki_reading"


def preferences_of(request: Request) -> Preferences:
    """How the person asking likes to read (issue #16): their account's choices, loaded with
    the session; for anyone without an account (a guest link's reader), the reading cookie."""
    actor = actor_of(request)
    if actor.signed_in:
        return actor.preferences
    return Preferences.from_cookie(request.cookies.get(READING_COOKIE))


def _look_and_media(request: Request, ctx: dict[str, Any], site_ctx: Any, theme: str) -> None:
    """The site's accent colour (a stylesheet: inline styles are not allowed) and, on a page,
    its photos and recordings, for this person (issue #5)."""
    db = request.app.state.db
    look = appearance.look_of(db, site_ctx)
    if look.accent:
        ctx.setdefault("accent_css", f"/look/{theme}/{look.accent.lstrip('#')}.css")
    found = ctx.get("page")
    if found is not None and hasattr(found, "html"):
        limits = settings_of(request)
        # The upload limits in MB, said before anyone records or chooses a file (issue #16).
        ctx.setdefault("upload_mb", {"image": limits.max_image_mb, "audio": limits.max_audio_mb,
                                     "video": limits.max_video_mb, "document": limits.max_document_mb})  # fmt: skip
        try:
            ctx.setdefault("media", attachments.for_page(db, site_ctx, found))
        except NotFound:
            ctx.setdefault("media", [])


def redirect(url: str, *, status: int = 303) -> RedirectResponse:
    return RedirectResponse(url, status_code=status)


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")


def safe_next(value: str | None) -> str:
    """Only local paths: never let ``next=`` send someone to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    # Browsers drop tabs and line breaks from an address, so "/\t/evil.example" would become
    # "//evil.example", another site: no control characters at all (issue #16).
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "/"
    return value


def form_limit(settings: Settings) -> int:
    """The most a text field may take (url-encoding can take up to 12 bytes a character)."""
    return 12 * settings.max_page_chars + 64_000


async def form_of(request: Request) -> dict[str, str]:
    """The posted form's text fields. A field far beyond what a page may hold is refused
    with a plain message (url-encoding can take up to 12 bytes for one character)."""
    limit = settings_of(request).max_page_chars
    try:
        form = await request.form(max_part_size=form_limit(settings_of(request)))
    except HTTPException:
        raise TooLarge(
            f"That is more than a page can hold: a page can hold up to {limit:,} characters."
            " Split it into smaller pages."
        ) from None
    return {k: v for k, v in form.items() if isinstance(v, str)}
