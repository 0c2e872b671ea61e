"""Attachments: photos, recordings, videos and documents on a page (issue #5).

Every function takes the actor and asks the policy first, about the section of the
page the file belongs to: NotFound when you may not view it, Forbidden when you may
view but not change it. Files are judged by their content (``wiki.media``), kept in
the files folder at a random path, and found again only through this table.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wiki import clock, media
from wiki.db import Database
from wiki.errors import Invalid, NotFound, TooLarge
from wiki.models import Actor, Page
from wiki.store.audit import record
from wiki.store.context import SiteContext, site_for
from wiki.store.files_check import sha256_of
from wiki.store.pages import get_page

MAX_CAPTION = 500
MAX_TRANSCRIPT = 20_000
CHUNK = 1024 * 1024


@dataclass
class Limits:
    """The largest file of each kind, in bytes, and the most pixels a picture may have."""

    image: int = 15 * 1024 * 1024
    audio: int = 40 * 1024 * 1024
    video: int = 200 * 1024 * 1024
    document: int = 20 * 1024 * 1024
    pixels: int = 40_000_000

    def of(self, kind: str) -> int:
        return int(getattr(self, kind))

    @property
    def largest(self) -> int:
        return max(self.image, self.audio, self.video, self.document)


@dataclass
class Attachment:
    id: int
    key: str
    site: str
    section: str
    page: str  # the page's slug
    page_title: str
    name: str
    kind: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    caption: str
    transcript: str
    is_main: bool
    has_thumbnail: bool
    created_at: str
    uploaded_by: str | None

    def url(self, root: str | None = None) -> str:
        return f"{root or '/s/' + self.site}/-/files/{self.key}/{self.name}"

    def thumbnail_url(self, root: str | None = None) -> str:
        return f"{root or '/s/' + self.site}/-/thumbs/{self.key}.jpg"

    @property
    def size_words(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"

    @property
    def plays_inline(self) -> bool:
        return self.kind in ("image", "audio", "video")


_SQL = """
SELECT a.*, p.slug AS page_slug, p.title AS page_title, s.key AS section_key, u.email AS uploaded_by_email
FROM attachments a JOIN pages p ON p.id = a.page_id JOIN sections s ON s.id = p.section_id
LEFT JOIN users u ON u.id = a.uploaded_by
"""


def _attachment(row: sqlite3.Row, site: str) -> Attachment:
    return Attachment(
        id=row["id"], key=row["key"], site=site, section=row["section_key"], page=row["page_slug"],
        page_title=row["page_title"], name=row["name"], kind=row["kind"], media_type=row["media_type"],
        size=row["size"], width=row["width"], height=row["height"], caption=row["caption"],
        transcript=row["transcript"], is_main=bool(row["is_main"]), has_thumbnail=bool(row["thumb_path"]),
        created_at=row["created_at"], uploaded_by=row["uploaded_by_email"],
    )  # fmt: skip


def _words(caption: str, transcript: str) -> tuple[str, str]:
    caption, transcript = caption.strip(), transcript.replace("\r\n", "\n").strip()
    if len(caption) > MAX_CAPTION:
        raise Invalid(
            f"Keep the words about it to {MAX_CAPTION} characters.", fields={"caption": "Too long."}
        )
    if len(transcript) > MAX_TRANSCRIPT:
        raise Invalid(
            f"A transcript can be up to {MAX_TRANSCRIPT:,} characters.",
            fields={"transcript": "Too long."},
        )
    return caption, transcript


def _copy_limited(upload: BinaryIO, dest: Path, limit: int, first: bytes) -> int:
    size = len(first)
    with dest.open("wb") as out:
        out.write(first)
        while size <= limit:
            chunk = upload.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            out.write(chunk)
    return size


def _too_large(kind: str, limit: int) -> TooLarge:
    return TooLarge(
        f"This {media.KIND_WORDS[kind]} is too large: the limit is {limit // (1024 * 1024)} MB. "
        + {"image": "Try a smaller photo.", "audio": "Try a shorter recording.",
           "video": "Try a shorter video, or a lower quality setting.", "document": "Try splitting it."}[kind]
    )  # fmt: skip


def attach(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    section: str,
    page: str,
    upload: BinaryIO,
    filename: str,
    declared_type: str = "",
    caption: str = "",
    transcript: str = "",
    main: bool = False,
    files_dir: Path,
    limits: Limits | None = None,
) -> Attachment:
    """Keep a file on a page, if it really is a photo, recording, video or document."""
    limits = limits or Limits()
    ctx, found = get_page(db, actor, site=site, section=section, page=page, record_view=False)
    ctx.require("upload", section)
    caption, transcript = _words(caption, transcript)
    head = upload.read(media.HEAD_BYTES)
    if not head:
        raise Invalid("This file is empty. Choose the file again.", fields={"file": "Empty."})
    try:
        sniffed = media.sniff(head, declared_type=declared_type, filename=filename)
    except media.Refused as refused:
        raise Invalid(str(refused), fields={"file": str(refused)}) from None
    limit = limits.of(sniffed.kind)
    key = secrets.token_urlsafe(18)
    folder = files_dir / str(ctx.site.id) / key[:2]
    folder.mkdir(parents=True, exist_ok=True)
    final, thumb = folder / key, folder / (key + ".thumb")
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    os.close(handle)
    temp = Path(temp_name)
    try:
        size = _copy_limited(upload, temp, limit, head)
        if size > limit:
            raise _too_large(sniffed.kind, limit)
        width = height = None
        thumb_path: str | None = None
        media_type, extension = sniffed.media_type, sniffed.extension
        if sniffed.media_type == "application/zip":
            sniffed = media.office_type(temp)
            media_type, extension = sniffed.media_type, sniffed.extension
        if sniffed.kind == "image":
            cleaned = media.clean_image(temp, final, thumb, max_pixels=limits.pixels)
            width, height, media_type, extension = (
                cleaned.width,
                cleaned.height,
                cleaned.media_type,
                cleaned.extension,
            )
            size = final.stat().st_size
            thumb_path = str(thumb.relative_to(files_dir))
        else:
            shutil.move(str(temp), final)
        name = media.safe_name(filename, extension)
        now = clock.iso()
        with db.write():
            if main:
                db.execute("UPDATE attachments SET is_main = 0 WHERE page_id = ?", (found.id,))
            new_id = db.execute(
                "INSERT INTO attachments (key, site_id, page_id, name, kind, media_type, size, width, height,"
                " caption, transcript, is_main, path, thumb_path, uploaded_by, created_at, sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, ctx.site.id, found.id, name, sniffed.kind, media_type, size, width, height, caption,
                 transcript, int(main), str(final.relative_to(files_dir)), thumb_path, actor.user_id, now,
                 sha256_of(final)),
            ).lastrowid  # fmt: skip
            record(db, site_id=ctx.site.id, actor=actor, action="attach", section=section, page_id=found.id,
                   detail=f"{name} ({media.KIND_WORDS[sniffed.kind]})")  # fmt: skip
    except media.Refused as refused:
        _discard(final, thumb)
        raise Invalid(str(refused), fields={"file": str(refused)}) from None
    except BaseException:
        _discard(final, thumb)
        raise
    finally:
        temp.unlink(missing_ok=True)
    row = db.one(_SQL + " WHERE a.id = ?", (new_id,))
    assert row is not None
    return _attachment(row, ctx.site.slug)


def _discard(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def for_page(db: Database, ctx: SiteContext, found: Page) -> list[Attachment]:
    """The files on a page already loaded for this person (``ctx`` is their view of the site)."""
    ctx.section(found.section.key)  # NotFound unless they may view its section
    rows = db.all(
        _SQL + " WHERE a.page_id = ? ORDER BY a.is_main DESC, a.created_at, a.id", (found.id,)
    )
    return [_attachment(r, ctx.site.slug) for r in rows]


def list_for_page(
    db: Database, actor: Actor, *, site: str | SiteContext, section: str, page: str
) -> list[Attachment]:
    ctx, found = get_page(db, actor, site=site, section=section, page=page, record_view=False)
    return for_page(db, ctx, found)


def _load(
    db: Database, actor: Actor, site: str | SiteContext, key: str
) -> tuple[SiteContext, Attachment, sqlite3.Row]:
    ctx = site_for(db, actor, site)
    row = db.one(_SQL + " WHERE a.key = ? AND a.site_id = ?", (key, ctx.site.id))
    if row is None:
        raise NotFound("We could not find that file.")
    ctx.section(row["section_key"])  # NotFound unless they may view the page's section
    return ctx, _attachment(row, ctx.site.slug), row


def open_file(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    key: str,
    files_dir: Path,
    thumbnail: bool = False,
) -> tuple[Attachment, Path]:
    """The attachment and where its bytes are, for someone who may view its page."""
    _, found, row = _load(db, actor, site, key)
    stored = row["thumb_path"] if thumbnail else row["path"]
    if not stored:
        raise NotFound("We could not find that file.")
    root = files_dir.resolve()
    path = (root / stored).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("We could not find that file.")
    return found, path


def get_attachment(db: Database, actor: Actor, *, site: str | SiteContext, key: str) -> Attachment:
    return _load(db, actor, site, key)[1]


def update(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    key: str,
    caption: str,
    transcript: str,
    main: bool,
) -> Attachment:
    """Change the words with a file, or make it the page's main content."""
    ctx, found, row = _load(db, actor, site, key)
    ctx.require("upload", found.section)
    caption, transcript = _words(caption, transcript)
    with db.write():
        if main:
            db.execute("UPDATE attachments SET is_main = 0 WHERE page_id = ?", (row["page_id"],))
        db.execute(
            "UPDATE attachments SET caption = ?, transcript = ?, is_main = ? WHERE id = ?",
            (caption, transcript, int(main), found.id),
        )
        record(db, site_id=ctx.site.id, actor=actor, action="attachment-words", section=found.section,
               page_id=row["page_id"], detail=found.name)  # fmt: skip
    return get_attachment(db, actor, site=site, key=key)


def remove(
    db: Database, actor: Actor, *, site: str | SiteContext, key: str, files_dir: Path
) -> Attachment:
    """Take a file off its page, and delete its bytes."""
    ctx, found, row = _load(db, actor, site, key)
    ctx.require("upload", found.section)
    with db.write():
        db.execute("DELETE FROM attachments WHERE id = ?", (found.id,))
        record(db, site_id=ctx.site.id, actor=actor, action="detach", section=found.section,
               page_id=row["page_id"], detail=found.name)  # fmt: skip
    root = files_dir.resolve()
    for stored in (row["path"], row["thumb_path"]):
        if stored and (root / stored).resolve().is_relative_to(root):
            _discard(root / stored)
    return found
