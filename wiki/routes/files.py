"""Attachments on the web and in the API: upload, serve, change the words, remove (issue #5).

Files are served only to people who may view the page's section, with
``X-Content-Type-Options: nosniff``, a Content-Security-Policy that lets nothing run,
and ``Content-Disposition: attachment`` for anything that is not a picture, a
recording or a video, so a file can never act as a page of this site.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from wiki.errors import Invalid, NotFound, TooLarge, WikiError
from wiki.models import Actor
from wiki.routes.api import _actor, _p, api, ok
from wiki.routes.common import (
    actor_of,
    db_of,
    page,
    redirect,
    require_signed_in,
    settings_of,
)
from wiki.settings import Settings
from wiki.store import files, get_page, links

FILE_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)
MB = 1024 * 1024


def limits_of(settings: Settings) -> files.Limits:
    return files.Limits(
        image=settings.max_image_mb * MB,
        audio=settings.max_audio_mb * MB,
        video=settings.max_video_mb * MB,
        document=settings.max_document_mb * MB,
    )


class AttachmentOut(BaseModel):
    id: str
    url: str
    name: str
    kind: str
    media_type: str
    size: int
    section: str
    page: str
    caption: str
    transcript: str
    main: bool
    thumbnail_url: str | None = None
    width: int | None = None
    height: int | None = None


def attachment_out(a: files.Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.key, url=a.url(), name=a.name, kind=a.kind, media_type=a.media_type, size=a.size, section=a.section,
        page=a.page, caption=a.caption, transcript=a.transcript, main=a.is_main,
        thumbnail_url=a.thumbnail_url() if a.has_thumbnail else None, width=a.width, height=a.height,
    )  # fmt: skip


# ---- reading the upload -------------------------------------------------------------------


def upload_limit(settings: Settings) -> int:
    """The most an upload may take: the largest file allowed, and its form's other fields."""
    return limits_of(settings).largest + MB


async def _read_upload(request: Request) -> tuple[dict[str, str], UploadFile | None, FormData]:
    """The form's words and its file; close the returned form when done (it holds a temporary file)."""
    limit = upload_limit(settings_of(request))
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise TooLarge("Send the file with its size (a Content-Length header).")
    if int(declared) > limit:
        raise TooLarge(f"That file is too large: nothing can be bigger than {limit // MB - 1} MB.")
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise WikiError("Send the file as a form (multipart/form-data) with a field called “file”.")
    try:
        form = await request.form(max_files=1, max_fields=20, max_part_size=64 * 1024)
    except HTTPException:
        raise Invalid(
            "That form could not be read. Choose the file again and send it once more."
        ) from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    return (
        fields,
        upload if isinstance(upload, UploadFile) and upload.filename is not None else None,
        form,
    )


def _attach(
    request: Request, actor: Actor, site: str, fields: dict[str, str], upload: UploadFile | None
) -> files.Attachment:
    if upload is None or not upload.filename:
        raise Invalid("Choose a file first.", fields={"file": "Choose a file first."})
    settings = settings_of(request)
    return files.attach(
        db_of(request), actor, site=site, section=fields.get("section", ""), page=fields.get("page", ""),
        upload=upload.file, filename=upload.filename, declared_type=upload.content_type or "",
        caption=fields.get("caption", ""), transcript=fields.get("transcript", ""),
        main=fields.get("main", "") in ("on", "true", "1", "yes"),
        files_dir=settings.files_path(), limits=limits_of(settings),
    )  # fmt: skip


# ---- the page's upload form ------------------------------------------------------------------


async def upload_post(request: Request) -> Response:
    actor = require_signed_in(request)
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    problem = ""
    fields: dict[str, str] = {}
    try:
        fields, upload, form = await _read_upload(request)
        try:
            fields.update(section=section, page=slug)
            added = _attach(request, actor, site, fields, upload)
        finally:
            await form.close()
        if fields.get("back") == "introduction" and added.kind == "image":
            # added from the "photo and words" form: back there, the new photo chosen (#16)
            return redirect(f"/s/{site}/-/introduction?photo={added.key}")
        return redirect(f"/s/{site}/{section}/{slug}?added=1#files")
    except (Invalid, TooLarge) as refused:
        problem = refused.message
        status = refused.status
    # Show the page again, with the message next to the file field and the words kept.
    db = db_of(request)
    ctx, found = get_page(db, actor, site=site, section=section, page=slug, record_view=False)
    sec = found.section
    return page(
        request,
        "page.html",
        {
            "site": ctx.site, "ctx": ctx, "section": sec, "page": found,
            "can_edit": ctx.allows("edit", sec.key),
            "upload_error": problem,
            "upload_values": {k: fields.get(k, "") for k in ("caption", "transcript", "main")},
        },
        status=status,
    )  # fmt: skip


async def words_post(request: Request) -> Response:
    """Change the words with a file, make it the main content, or remove it."""
    from wiki.routes.common import form_of

    actor = require_signed_in(request)
    site, key = _p(request, "site"), _p(request, "key")
    form = await form_of(request)
    settings = settings_of(request)
    found = files.get_attachment(db_of(request), actor, site=site, key=key)
    back = f"/s/{site}/{found.section}/{found.page}"
    if form.get("action") == "remove":
        files.remove(db_of(request), actor, site=site, key=key, files_dir=settings.files_path())
        return redirect(back + "?removed=1#files")
    files.update(
        db_of(request), actor, site=site, key=key, caption=form.get("caption", ""),
        transcript=form.get("transcript", ""), main=form.get("main", "") == "on",
    )  # fmt: skip
    return redirect(back + f"#file-{key}")


# ---- serving ---------------------------------------------------------------------------------


def _serve(request: Request, actor: Actor, site: str, key: str, *, thumbnail: bool) -> Response:
    settings = settings_of(request)
    found, path = files.open_file(
        db_of(request),
        actor,
        site=site,
        key=key,
        files_dir=settings.files_path(),
        thumbnail=thumbnail,
    )
    media_type = "image/jpeg" if thumbnail else found.media_type
    disposition = "inline" if found.plays_inline or thumbnail else "attachment"
    headers = {
        "x-content-type-options": "nosniff",
        "content-security-policy": FILE_CSP,
        "content-disposition": f"{disposition}; filename=\"{found.name}\"; filename*=UTF-8''{quote(found.name)}",
        "cross-origin-resource-policy": "same-origin",
        "cache-control": "private, no-store",
    }
    return FileResponse(path, media_type=media_type, headers=headers)


async def serve_file(request: Request) -> Response:
    return _serve(
        request, actor_of(request), _p(request, "site"), _p(request, "key"), thumbnail=False
    )


async def serve_thumbnail(request: Request) -> Response:
    return _serve(request, actor_of(request), _p(request, "site"), _p(request, "key").removesuffix(".jpg"),
                  thumbnail=True)  # fmt: skip


def _guest(request: Request) -> tuple[Actor, str]:
    actor = actor_of(request)
    if not actor.is_guest:
        raise NotFound("This link is not valid any more.")
    return actor, links.guest_site_slug(db_of(request), actor)


async def guest_file(request: Request) -> Response:
    actor, site = _guest(request)
    return _serve(request, actor, site, _p(request, "key"), thumbnail=False)


async def guest_thumbnail(request: Request) -> Response:
    actor, site = _guest(request)
    return _serve(request, actor, site, _p(request, "key").removesuffix(".jpg"), thumbnail=True)


routes = [
    Route("/s/{site}/-/files/{key}/{name}", serve_file, methods=["GET", "HEAD"]),
    Route("/s/{site}/-/thumbs/{key}", serve_thumbnail, methods=["GET", "HEAD"]),
    Route("/s/{site}/-/files/{key}", words_post, methods=["POST"]),
    Route("/g/{token}/-/files/{key}/{name}", guest_file, methods=["GET", "HEAD"]),
    Route("/g/{token}/-/thumbs/{key}", guest_thumbnail, methods=["GET", "HEAD"]),
    Route("/s/{site}/{section}/{page}/attach", upload_post, methods=["POST"]),
]


# ---- the JSON API ----------------------------------------------------------------------------


@api.route(
    "POST",
    "/sites/{site}/attachments",
    summary="Upload a photo, recording, video or document to a page. Send multipart/form-data with"
    " the fields file, section, page, and optionally caption, transcript and main (true to show it first).",
    response=AttachmentOut,
    status=201,
)
async def attachments_create(request: Request) -> Response:
    actor = _actor(request)
    fields, upload, form = await _read_upload(request)
    try:
        found = _attach(request, actor, _p(request, "site"), fields, upload)
    finally:
        await form.close()
    return ok(attachment_out(found), 201)


@api.route(
    "GET",
    "/sites/{site}/pages/{section}/{page}/attachments",
    summary="The files on a page",
    response=[AttachmentOut],
)
async def attachments_list(request: Request) -> Response:
    found = files.list_for_page(
        db_of(request), _actor(request), site=_p(request, "site"), section=_p(request, "section"),
        page=_p(request, "page"),
    )  # fmt: skip
    return ok([attachment_out(a) for a in found])


def media_of(request: Request, ctx: Any, found: Any) -> list[files.Attachment]:
    """The files to show on a page already loaded for this person."""
    try:
        return files.for_page(db_of(request), ctx, found)
    except NotFound:
        return []
