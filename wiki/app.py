"""Putting the application together: routes, middleware, error pages, static files."""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from wiki import accounts, metrics
from wiki.csrf import CSRFMiddleware, Refuse, plain_refusal
from wiki.db import Database, migrate, migration_lock
from wiki.errors import Clashed, NotFound, NotSignedIn, SlowDown, WikiError
from wiki.keepalive import KeepAliveLimit
from wiki.middleware import ActorMiddleware, CompressWhenAsked, SecurityHeaders
from wiki.plugins import RevisionSaved, collect, make_manager, rule_book
from wiki.routes import (
    about,
    account,
    api_find,  # noqa: F401 - registers the search, export and import endpoints
    api_sharing,  # noqa: F401 - registers the sharing endpoints
    audit,
    auth,
    clashes,
    drafts,
    export,
    files,  # photos, recordings and documents; also registers the attachments API
    growing_up,
    guest,
    invitations,
    kept,
    look,
    machines,
    operations,
    ownership,
    pages,
    plan_home,
    reading,
    search,
    sharing,
    view_as,
)
from wiki.routes import (
    erasure as erasure_pages,  # wiki.store.erasure is `erasure` here
)
from wiki.routes.api import api, openapi_json
from wiki.routes.common import form_limit, login_url, page
from wiki.routing import IndexedRouter
from wiki.settings import Settings
from wiki.store import erasure
from wiki.store import growing_up as growing_up_reminders
from wiki.store.audit import view_log
from wiki.telemetry import Telemetry
from wiki.templates import add_plugin_templates, static_path


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json_error(code: str, message: str, status: int, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}, **extra}, status_code=status)


async def wiki_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WikiError)
    if _is_api(request):
        extra: dict[str, Any] = {}
        if exc.fields:
            extra["error_fields"] = exc.fields
        current = getattr(exc, "current", None)
        if current is not None:
            from wiki.routes.api import page_out

            extra["current"] = page_out(request.path_params.get("site", ""), current).model_dump()
        if isinstance(exc, Clashed):
            extra["clashes"] = [c.as_json() for c in exc.clashes]
        response = _json_error(exc.code, exc.message, exc.status, **extra)
        if isinstance(exc, SlowDown):
            response.headers["retry-after"] = str(exc.retry_after)
        return response
    if isinstance(exc, NotSignedIn):
        from wiki.routes.common import redirect

        return redirect(login_url(request.url.path))
    return page(
        request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: NotFound().message, 405: "That action is not available here."}.get(
        exc.status_code, "Something went wrong with that request."
    )
    if _is_api(request):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        return _json_error(code, message, exc.status_code)
    return page(
        request,
        "error.html",
        {"status": exc.status_code, "message": message},
        status=exc.status_code,
    )


async def server_error(request: Request, exc: Exception) -> Response:
    # Logged once, with the request id, by wiki/telemetry.py (issue #15).
    message = "Sorry, something went wrong on our side. Nothing you saved has been lost; please try again."
    if _is_api(request):
        return _json_error("server_error", message, 500)
    return PlainTextResponse(message, status_code=500)


async def static(request: Request) -> Response:
    theme, name = request.path_params["theme"], request.path_params["path"]
    found = static_path(theme, name)
    if found is None:
        raise HTTPException(404)
    media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return FileResponse(
        found, media_type=media_type, headers={"cache-control": "public, max-age=3600"}
    )


def csrf_refusal(app: Starlette) -> Refuse:
    """A form posted without its security check: the error page (JSON under /api/)."""

    async def refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        if scope["path"].startswith("/api/"):
            await plain_refusal(scope, receive, send, status, message)
            return
        scope["app"] = app  # outside Starlette: the page needs the app's state
        if status == 403 and await drafts.words_back(scope, receive, send, status):
            return  # a writing form of ours: its words are shown back (issue #26)
        request = Request(scope, receive)
        context = {"status": status, "message": message}
        await page(request, "error.html", context, status=status)(scope, receive, send)

    return refuse


# Not compressed on the way (issue #21): files people upload (mostly compressed already,
# and read in ranges); and pages and API answers, which can hold a secret (the form's
# CSRF token, a guest link's address) beside words someone else chose: compressing the
# two together lets someone who can watch the sizes guess the secret (BREACH). A kept
# page is compressed by wiki/routes/kept.py, with the token deflated apart.
NOT_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "text/html",
    "application/json",
    "application/pdf",
    "application/octet-stream",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
)


def create_app(
    settings: Settings | None = None,
    *,
    run_migrations: bool = True,
    plugins: list[Any] | None = None,
) -> Any:
    """The ASGI app. ``plugins`` are registered after the built-in and installed ones."""
    settings = settings or Settings()
    db = Database(
        settings.db, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms
    )
    pm = make_manager(extra=plugins)
    db.extensions.rules = rule_book(pm)
    db.extensions.reserved = frozenset(collect(pm.hook.reserved_section_keys()))
    db.extensions.blocks = {block.name: block for block in collect(pm.hook.block_types())}
    db.extensions.on_saved.append(
        lambda **event: pm.hook.revision_saved(event=RevisionSaved(**event))
    )
    for folder in collect(pm.hook.template_dirs()):
        add_plugin_templates(Path(folder))
    db.extensions.on_saved.append(metrics.note_save)
    if run_migrations:
        # `planwiki serve` does this once, before its workers start (wiki/serve.py); started
        # some other way (`uvicorn main:app --workers 4`), each process waits its turn.
        with migration_lock(settings.db):
            migrate(db.db)
            erasure.purge_due(db, files_dir=settings.files_path())  # past their grace period
            growing_up_reminders.send_reminders(db, base_url=settings.base_url)  # each once (#14)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        view_log(db).flush(db)

    routes = [
        Route("/static/{theme}/{path:path}", static, methods=["GET"]),
        Route("/api/v1/openapi.json", openapi_json, methods=["GET"]),
        *operations.routes,
        *machines.routes,
        *api.routes(),
        *auth.routes,
        *account.routes,
        *sharing.routes,
        *invitations.routes,
        *ownership.routes,
        *growing_up.routes,
        *guest.routes,
        *audit.routes,
        *view_as.routes,
        *search.routes,
        *export.routes,
        *erasure_pages.routes,
        *files.routes,
        *look.routes,
        *about.routes,
        *reading.routes,
        *plan_home.routes,
        *clashes.routes,
        *drafts.routes,
        *collect(pm.hook.routes()),  # before the catch-all page routes
        *pages.routes,
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            WikiError: wiki_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    # Only the routes that could match are tried: issue #8, wiki/routing.py.
    app.router = IndexedRouter(routes, lifespan=lifespan)
    app.state.db = db
    app.state.settings = settings
    app.state.plugins = pm
    app.state.kept = kept.Shelf()  # this worker's kept pages (issue #21)

    # One CSRF check for every write, forms and uploads alike (issues #13, #15: wiki/csrf.py).
    # Inside ActorMiddleware so that a refusal is shown on the usual page, signed in.
    checked = CSRFMiddleware(
        app,
        secret=accounts.app_secret(db, "csrf"),
        secure=settings.secure_cookies,
        max_body=max(files.upload_limit(settings), form_limit(settings)),
        refuse=csrf_refusal(app),
    )
    outer = KeepAliveLimit(  # several workers share the connections (wiki/keepalive.py)
        Telemetry(
            # Styles, scripts and pictures drawn in SVG compressed when the browser asks
            # (issue #21); kept pages come compressed already (wiki/routes/kept.py).
            CompressWhenAsked(
                SecurityHeaders(
                    ActorMiddleware(checked, db=db, idle_minutes=settings.session_idle_minutes)
                ),
                minimum_size=1024,
                compresslevel=kept.GZIP_LEVEL,
                exclude_content_types=NOT_COMPRESSED,
            ),
            access_log=settings.access_log,
        )
    )

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        await outer(scope, receive, send)

    application.state = app.state  # type: ignore[attr-defined]
    application.starlette = app  # type: ignore[attr-defined]
    return application
