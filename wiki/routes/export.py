"""Take your plan with you (issue #7; its own module since #13): the export page and its
zip, the download formats plugins add, print and PDF, and bringing a plan in from a zip.

Every page here calls the store with the request's actor; the store asks the policy.
The import form is multipart; wiki/csrf.py checks it like every other form (issue #15).
"""

from __future__ import annotations

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
    """WeasyPrint is optional (``pip install weasyprint``); without it there is no PDF button."""
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
    groups = [(sec, [shown(request, ctx, p, root) for p in pages]) for sec, pages in groups]
    only = groups[0][0] if section else None
    return {
        "site": ctx.site,
        "ctx": ctx,
        "groups": groups,
        "only": only,
        "printed_at": clock.iso(),
        "pdf": pdf_available(),
        "pdf_url": f"/s/{ctx.site.slug}/-/print.pdf" + (f"?section={section}" if section else ""),
    }


async def print_site(request: Request) -> Response:
    return page(request, "print.html", _print_context(request, None))


async def print_section(request: Request) -> Response:
    return page(request, "print.html", _print_context(request, _p(request, "section")))


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The PDF is made from what is on the page only: no address is ever fetched (an
    image from anywhere would make the server call out)."""
    raise ValueError(f"not fetched: {url[:60]}")


def _pdf(html: str, css: str) -> bytes:
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    data: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(string=css, url_fetcher=_refuse_fetch)],
        pdf_variant="pdf/ua-1",
    )
    return data


async def print_pdf(request: Request) -> Response:
    if not pdf_available():
        raise NotFound("PDF downloads are not switched on here. Use Print instead.")
    section = request.query_params.get("section") or None
    context = _print_context(request, section)
    context.update({"actor": actor_of(request)})
    html = render_template("print_document.html", context)
    css_file = static_path("default", "print.css")
    css = css_file.read_text() if css_file else ""
    data = await run_in_threadpool(_pdf, html, css)
    site = context["site"]
    name = f"{site.slug}-{section}.pdf" if section else f"{site.slug}.pdf"  # type: ignore[attr-defined]
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
