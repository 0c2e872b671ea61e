"""Take your plan with you (issue #7; its own module since #13): the export page and its
zip, the download formats plugins add, print and PDF, and bringing a plan in from a zip.

Every page here calls the store with the request's actor; the store asks the policy.
The import form is multipart; wiki/csrf.py checks it like every other form (issue #15).
"""

from __future__ import annotations

import logging
from functools import cache

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from wiki import clock
from wiki.errors import Conflict, Invalid, NotFound, TooLarge
from wiki.models import SLUG_HELP, SLUG_RE, is_slug
from wiki.pdf import PdfFailed, make_pdf
from wiki.plugins import collect, shown
from wiki.routes.common import (
    actor_of,
    db_of,
    page,
    require_signed_in,
    settings_of,
)
from wiki.store import erasure, transfer
from wiki.store.context import site_for
from wiki.templates import render_template, static_path

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
log = logging.getLogger("planwiki")


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _flag(request: Request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    return value.lower() in ("1", "true", "yes", "on")


# ---- export, print, PDF --------------------------------------------------------------------


@cache
def pdf_available() -> bool:
    """WeasyPrint is a dependency (issue #23) but needs the Pango library; without it the
    print page says so in one line and offers the browser's Print instead."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Pango library is missing
        return False
    return True


def _export_formats(request: Request) -> list[object]:
    return collect(request.app.state.plugins.hook.export_formats())


async def export_page(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    ctx = site_for(db, actor, _p(request, "site"))
    return page(
        request,
        "export.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "full": ctx.allows("export-full"),
            "grace_days": erasure.GRACE_DAYS,
            "pdf": pdf_available(),
            "formats": _export_formats(request),
        },
    )


def _download(data: bytes, filename: str, media_type: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def send_export(made: transfer.Export) -> Response:
    """The zip from its temporary file, which is removed once it has been sent."""
    return FileResponse(
        made.path, media_type="application/zip", filename=made.filename,
        background=BackgroundTask(made.discard),
    )  # fmt: skip


async def export_zip(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    made = await run_in_threadpool(
        transfer.export_site, db, actor, site=_p(request, "site"),
        history=_flag(request, "history", default=True), files_dir=settings_of(request).files_path(),
    )  # fmt: skip
    return send_export(made)


async def export_format(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    name = _p(request, "format")
    chosen = next((f for f in _export_formats(request) if getattr(f, "name", None) == name), None)
    if chosen is None:
        raise NotFound("There is no such download.")
    ctx, groups = transfer.printable(db, actor, site=_p(request, "site"))
    data = await run_in_threadpool(chosen.build, transfer.all_pages(groups))  # type: ignore[attr-defined]
    extension = name if SLUG_RE.match(name) else "bin"
    return _download(data, f"{ctx.site.slug}.{extension}", chosen.media_type)  # type: ignore[attr-defined]


def _print_context(request: Request, section: str | None) -> dict[str, object]:
    db, actor = db_of(request), require_signed_in(request)
    ctx, groups = transfer.printable(db, actor, site=_p(request, "site"), section=section)
    # A page that reads through to others (a handover pack) prints as this reader sees it (#14).
    root = f"/s/{ctx.site.slug}"
    # One page alone (issue #23: a PDF of just the review report), within its section.
    one = request.query_params.get("page") or None if section else None
    if one is not None:
        groups = [(sec, [p for p in pages if p.slug == one]) for sec, pages in groups]
        if not any(pages for _, pages in groups):
            raise NotFound("There is no such page here.")
    groups = [(sec, [shown(request, ctx, p, root) for p in pages]) for sec, pages in groups]
    only = groups[0][0] if section else None
    query = f"?section={section}" + (f"&page={one}" if one else "") if section else ""
    return {
        "site": ctx.site,
        "ctx": ctx,
        "groups": groups,
        "only": only,
        "printed_at": clock.iso(),
        "pdf": pdf_available(),
        "pdf_url": f"/s/{ctx.site.slug}/-/print.pdf{query}",
        "one_page": groups[0][1][0] if one is not None else None,
    }


async def print_site(request: Request) -> Response:
    return page(request, "print.html", _print_context(request, None))


async def print_section(request: Request) -> Response:
    return page(request, "print.html", _print_context(request, _p(request, "section")))


# ---- PDF, bounded (issue #15) ----------------------------------------------------------------
# A PDF is made in a child process killed after wiki.pdf.SECONDS; at most PDF_AT_ONCE are
# made at a time (each takes a core) and one at a time per person; a plan whose printable
# HTML is larger than PDF_MAX_HTML (or has more than PDF_MAX_TAGS elements) is refused at
# once. Each refusal is a plain sentence with Retry-After where waiting helps; Print (the
# browser's own) always works. Limits are per server process.
PDF_AT_ONCE = 1
PDF_MAX_HTML = 3_000_000  # characters; the demo plan is ~0.1 MB
PDF_MAX_TAGS = 60_000  # elements; the demo plan has ~2,300
_making: set[int | str] = set()  # who has a PDF being made


def _refused(request: Request, status: int, message: str, retry_after: int | None) -> Response:
    response = page(request, "error.html", {"status": status, "message": message}, status=status)
    if retry_after is not None:
        response.headers["retry-after"] = str(retry_after)
    return response


async def print_pdf(request: Request) -> Response:
    if not pdf_available():
        raise NotFound("PDF downloads are not switched on here. Use Print instead.")
    section = request.query_params.get("section") or None
    context = _print_context(request, section)
    actor = actor_of(request)
    context.update({"actor": actor})
    html = render_template("print_document.html", context)
    if len(html) > PDF_MAX_HTML or html.count("<") > PDF_MAX_TAGS:
        return _refused(
            request, 413,
            "This plan is too large to make into a PDF here. Use Print instead, and choose"
            " “Save as PDF” in your browser, or make a PDF of one section at a time.", None,
        )  # fmt: skip
    who = actor.user_id if actor.user_id is not None else actor.email
    if who in _making:
        return _refused(
            request, 429, "Your last PDF is still being made. Please wait for it, then try again.", 10
        )  # fmt: skip
    if len(_making) >= PDF_AT_ONCE:
        return _refused(
            request, 503,
            "Someone else's PDF is being made right now. Please try again in a few seconds.", 5,
        )  # fmt: skip
    css_file = static_path("default", "print.css")
    css = css_file.read_text() if css_file else ""
    _making.add(who)
    try:
        data = await make_pdf(html, css)
    except PdfFailed as failed:
        log.warning("PDF for %s not made: %s", _p(request, "site"), failed)
        return _refused(
            request, 503,
            "Making this PDF took too long, so it was stopped. Use Print instead, and choose"
            " “Save as PDF” in your browser, or make a PDF of one section at a time.", None,
        )  # fmt: skip
    finally:
        _making.discard(who)
    site = context["site"]
    one = request.query_params.get("page") if section else None
    name = f"{site.slug}-{one or section}.pdf" if section else f"{site.slug}.pdf"  # type: ignore[attr-defined]
    return _download(data, name, "application/pdf")


# ---- import -------------------------------------------------------------------------------


async def import_form(request: Request) -> Response:
    require_signed_in(request)
    return page(request, "import.html", {"errors": {}, "values": {}})


async def import_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 100_000:
        raise TooLarge(
            f"That file is too large: the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        )
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=64_000)
    except HTTPException:
        raise Invalid("Choose the file you downloaded from your old planwiki.") from None
    try:
        upload = form.get("file")
        slug = str(form.get("slug") or "").strip().lower()
        values = {"slug": slug}
        errors: dict[str, str] = {}
        data = b""
        if upload is None or isinstance(upload, str):
            errors["file"] = (
                "Choose the file you downloaded from your old planwiki (it ends in .zip)."
            )
        else:
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise TooLarge(
                    f"That file is too large: the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
                )
    finally:
        await form.close()
    if slug and (not is_slug(slug)):
        errors["slug"] = SLUG_HELP
    if not errors:
        try:
            result = await run_in_threadpool(
                transfer.import_site,
                db,
                actor,
                data,
                slug=slug or None,
                files_dir=settings_of(request).files_path(),
            )
            return page(request, "import_done.html", {"result": result})
        except (Invalid, Conflict, TooLarge) as problem:
            errors["slug" if isinstance(problem, Conflict) else "file"] = problem.message
    return page(request, "import.html", {"errors": errors, "values": values}, status=422)


routes = [
    Route("/import", import_form, methods=["GET"]),
    Route("/import", import_post, methods=["POST"]),
    Route("/s/{site}/export", export_page, methods=["GET"]),
    Route("/s/{site}/export.zip", export_zip, methods=["GET"]),
    Route("/s/{site}/export/{format}", export_format, methods=["GET"]),
    Route("/s/{site}/-/print", print_site, methods=["GET"]),
    Route("/s/{site}/-/print.pdf", print_pdf, methods=["GET"]),
    Route("/s/{site}/-/print/{section}", print_section, methods=["GET"]),
]
