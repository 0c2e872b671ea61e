"""Attachments in an export and back: listed (and copied, or pointed at) on the way out,
checked like uploads and placed in the new site's folder on the way in (issue #7;
split out of ``transfer.py`` in issue #13).
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiki.db import Database
from wiki.store.files_check import sha256_of
from wiki.store.transfer.archive import FileSource, _marks
from wiki.store.transfer.parsed import Parsed


def _attachment_files(
    db: Database, ids: list[int], site_id: int, *, files_dir: Path | None, by_reference: bool
) -> tuple[list[dict[str, Any]], dict[str, FileSource]]:
    """The attachments of the exported pages (read by ``section_id IN``), and their files.

    ``by_reference`` (a deleted site's archive) lists where each file is kept, relative to
    the site's folder, instead of copying the bytes."""
    if not ids:
        return [], {}
    rows = db.all(
        "SELECT a.*, p.slug AS page_slug, s.key AS section_key, u.email AS uploaded_by_email"  # noqa: S608
        " FROM attachments a JOIN pages p ON p.id = a.page_id JOIN sections s ON s.id = p.section_id"
        f" LEFT JOIN users u ON u.id = a.uploaded_by WHERE p.section_id IN ({_marks(ids)})"
        " ORDER BY a.id",
        ids,
    )
    listed: list[dict[str, Any]] = []
    blobs: dict[str, FileSource] = {}
    root = files_dir.resolve() if files_dir else None
    for r in rows:
        entry: dict[str, Any] = {
            "key": r["key"],
            "section": r["section_key"],
            "page": r["page_slug"],
            "name": r["name"],
            "kind": r["kind"],
            "media_type": r["media_type"],
            "size": r["size"],
            "width": r["width"],
            "height": r["height"],
            "caption": r["caption"],
            "transcript": r["transcript"],
            "main": bool(r["is_main"]),
            "created_at": r["created_at"],
            "uploaded_by": r["uploaded_by_email"],
        }
        if by_reference:
            prefix = f"{site_id}/"
            entry["stored"] = r["path"].removeprefix(prefix)
            entry["thumb"] = r["thumb_path"].removeprefix(prefix) if r["thumb_path"] else None
        else:
            source = (root / r["path"]).resolve() if root else None
            if (
                source is not None
                and root is not None
                and source.is_relative_to(root)
                and source.is_file()
            ):
                entry["file"] = f"attachments/{r['key']}/{r['name']}"
                blobs[entry["file"]] = source
            else:
                entry["file"] = None  # the bytes are not here (or not asked for)
        listed.append(entry)
    return listed, blobs


@dataclass
class _File:
    entry: dict[str, Any]
    source: Path  # a checked file in staging, or a deleted site's own file
    thumb: Path | None
    kind: str
    media_type: str
    name: str
    size: int
    width: int | None
    height: int | None
    copy: bool  # copy (a deleted site's own files) rather than move (staged)


def _prepare_files(
    parsed: Parsed, staging: Path | None, files_root: Path | None
) -> tuple[list[_File], list[str]]:
    """Check every attachment file before anything is written, as an upload is checked:
    by its content (``wiki.media``), within the size limits; pictures are opened safely and
    get a fresh thumbnail, and lose any metadata (EXIF, GPS) they carry."""
    from wiki import media
    from wiki.store.files import Limits

    prepared: list[_File] = []
    skipped: list[str] = []
    if staging is None or not parsed.attachments:
        return prepared, skipped
    staging.mkdir(parents=True, exist_ok=True)
    limits = Limits()
    for n, a in enumerate(parsed.attachments):
        if a["stored"] is not None:  # a deleted site coming back: its own files, as they were
            root = files_root.resolve() if files_root else None
            source = (root / a["stored"]).resolve() if root else None
            if (
                source is None
                or root is None
                or not source.is_relative_to(root)
                or not source.is_file()
            ):
                skipped.append(f"{a['name']}: the file was not found")
                continue
            thumb = (root / a["thumb"]).resolve() if a["thumb"] else None
            if thumb is not None and (not thumb.is_relative_to(root) or not thumb.is_file()):
                thumb = None
            prepared.append(_File(a, source, thumb, str(a["kind"]), a["media_type"], a["name"],
                                  source.stat().st_size, a["width"], a["height"], copy=True))  # fmt: skip
            continue
        if a["file"] is None or parsed.archive is None:
            skipped.append(f"{a['name']}: the file was not in the export")
            continue
        raw = staging / f"{n}.raw"
        with parsed.archive.open(a["file"]) as source_file, raw.open("wb") as out:
            shutil.copyfileobj(source_file, out, 1024 * 1024)
        try:
            with raw.open("rb") as handle:
                head = handle.read(media.HEAD_BYTES)
            sniffed = media.sniff(head, declared_type=a["media_type"], filename=a["name"])
            if sniffed.media_type == "application/zip":
                sniffed = media.office_type(raw)
            size = raw.stat().st_size
            if size > limits.of(sniffed.kind):
                raise media.Refused("it is larger than a file of its kind may be here")
            width = height = None
            thumb_path: Path | None = None
            media_type, extension = sniffed.media_type, sniffed.extension
            keep = raw
            if sniffed.kind == "image":
                cleaned, thumb_path = staging / f"{n}.clean", staging / f"{n}.thumb"
                result = media.clean_image(raw, cleaned, thumb_path, max_pixels=limits.pixels)
                width, height = result.width, result.height
                if _carries_metadata(raw) or (result.width, result.height) != _size_of(raw):
                    keep, media_type, extension = cleaned, result.media_type, result.extension
                    size = cleaned.stat().st_size
            prepared.append(_File(a, keep, thumb_path, sniffed.kind, media_type,
                                  media.safe_name(a["name"], extension), size, width, height, copy=False))  # fmt: skip
        except media.Refused as refused:
            skipped.append(f"{a['name']}: {refused}")
    return prepared, skipped


def _carries_metadata(path: Path) -> bool:
    from PIL import Image

    with Image.open(path) as picture:
        return bool(picture.getexif()) or any(
            k in picture.info for k in ("exif", "xmp", "XML:com.adobe.xmp", "comment")
        )


def _size_of(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as picture:
        return picture.size


def _place_files(
    db: Database,
    files: tuple[list[_File], Path | None, list[Path]],
    *,
    site_id: int,
    page_ids: dict[str, int],
    person: Any,
) -> dict[str, str]:
    """Inside the import's transaction: put each checked file in the new site's folder
    and add its row. ``placed`` collects what was written, to remove it if it fails.
    Returns each exported key and the key its file has here (a new one when taken)."""
    prepared, files_dir, placed = files
    keys: dict[str, str] = {}
    if not prepared or files_dir is None:
        return keys
    for f in prepared:
        a = f.entry
        key = a["key"]
        if key is None or db.one("SELECT 1 FROM attachments WHERE key = ?", (key,)):
            key = secrets.token_urlsafe(18)
        folder = files_dir / str(site_id) / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / key
        thumb = folder / (key + ".thumb") if f.thumb else None
        for source, target in ((f.source, final), (f.thumb, thumb)):
            if source is None or target is None:
                continue
            placed.append(target)
            if f.copy:
                shutil.copy2(source, target)
            else:
                os.replace(source, target)
        page_id = page_ids.get(f"{a['section']}/{a['page']}")
        if page_id is None:
            continue
        db.execute(
            "INSERT INTO attachments (key, site_id, page_id, name, kind, media_type, size, width, height,"
            " caption, transcript, is_main, path, thumb_path, uploaded_by, created_at, sha256)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, site_id, page_id, f.name, f.kind, f.media_type, f.size, f.width, f.height,
             a["caption"], a["transcript"], int(a["main"]), str(final.relative_to(files_dir)),
             str(thumb.relative_to(files_dir)) if thumb else None, person(a["uploaded_by"]),
             a["created_at"], sha256_of(final)),
        )  # fmt: skip
        if isinstance(a["key"], str):
            keys[a["key"]] = key
    return keys
