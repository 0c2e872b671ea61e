"""Take the plan with you: export a site as one zip, import it into another planwiki,
and gather pages for printing (issue #7).

The zip holds (``FORMAT_VERSION`` 1)::

    planwiki.json                 what this is: format, version, when, by whom, scope
    README.txt                    the same in plain words
    site.json                     slug, title, owner, date of birth, theme, created
    structure.json                sections in order, their pages, old addresses
    pages/<section>/<page>.md     the current text, with front matter
    history/<section>/<page>/<n>.md   every revision (when history is included)
    circle.json  grants.json  links.json  audit.json     (owner and stewards only)

Front matter is a ``---`` block of ``key: value`` lines whose values are JSON scalars,
which is also valid YAML. The owner and stewards export everything; anyone else
exports only the sections they may view (read in SQL by ``ctx.section_ids``), with no
circle, sharing or audit. Attachments will join as ``attachments/`` when they exist.

Import rule for people (stated in the README and issue #7):

* Through the web or the API, the person importing becomes the owner. A plan is never
  put into somebody else's account without them.
* Through ``planwiki import`` (the operator), the owner is the account with the
  export's owner email, made without a password if there is none (they sign in with an
  email link or a password reset), or the account given with ``--owner``.
* Circle members are matched by email. The operator's import makes accounts (without
  passwords) for members who have none; a person's import leaves them out and lists
  them, so they can be invited. Their grants come back only with them.
* Revisions keep their authors when the author has an account here, otherwise they
  show as "a former member". Guest links come back switched off: a link is a secret
  of the server that made it. Pending invitations and drafts are not exported.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from wiki import __version__, accounts, clock
from wiki import access as policy
from wiki.db import Database
from wiki.errors import Conflict, Invalid, NotFound, NotSignedIn, TooLarge
from wiki.models import (
    MAX_TITLE,
    SLUG_RE,
    STANDARD_GROUPS,
    Actor,
    Page,
    Section,
)
from wiki.render import render
from wiki.store.audit import record, view_log
from wiki.store.context import SiteContext, load_site, site_for

FORMAT = "planwiki-export"
FORMAT_VERSION = 1
MAX_ENTRIES = 100_000
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_BODY_CHARS = 200_000
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same content gives the same bytes
# Section keys the web app uses for its own pages (see wiki.routes.pages.RESERVED).
_RESERVED_KEYS = {
    "sharing", "audit", "search", "sections", "settings", "export", "-", "api", "view-as",
    "growing-up", "review", "handover-pack",
}  # fmt: skip


# ---- export ------------------------------------------------------------------------------


@dataclass
class Export:
    path: Path  # a temporary file holding the zip; whoever receives it removes it
    filename: str
    full: bool  # everything (owner, steward, operator) or only what this person may view

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


FileSource = bytes | Path  # what goes into the zip: the bytes, or a file on disk


def export_site(
    db: Database,
    actor: Actor,
    *,
    site: str,
    history: bool = True,
    files_dir: Path | None = None,
) -> Export:
    """The site as a zip: everything for the owner and stewards, only the sections they
    may view for anyone else. Guest links cannot export. With ``files_dir`` the
    attachments of the exported pages go in too."""
    if actor.is_guest:
        raise NotFound()
    if actor.user_id is None:
        raise NotSignedIn("Sign in to download a copy.")
    ctx = site_for(db, actor, site)
    full = ctx.allows("export-full")
    if full:
        view_log(db).flush(db)
    files = _collect(
        db, ctx, full=full, history=history, exported_by=actor.email, files_dir=files_dir
    )
    made = _export(files, ctx.site.slug, full)
    with db.write():
        record(
            db,
            site_id=ctx.site.id,
            actor=actor,
            action="export",
            detail=("a full copy" if full else "a copy of the sections shared with them")
            + (" with history" if history else ""),
        )
    return made


def export_site_as_operator(
    db: Database, *, site: str, history: bool = True, files_dir: Path | None = None
) -> Export:
    """The operator's full export (``planwiki export``): no person, no policy check."""
    ctx = operator_context(db, site)
    view_log(db).flush(db)
    files = _collect(
        db, ctx, full=True, history=history, exported_by="operator", files_dir=files_dir
    )
    made = _export(files, ctx.site.slug, True)
    with db.write():
        record(db, site_id=ctx.site.id, actor=Actor(), action="export",
               detail="a full copy, by the operator" + (" with history" if history else ""))  # fmt: skip
    return made


def _export(files: dict[str, FileSource], slug: str, full: bool) -> Export:
    handle, name = tempfile.mkstemp(prefix="planwiki-export-", suffix=".zip")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            _zip(files, out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Export(path, _filename(slug), full)


def build_archive(db: Database, *, site: str, exported_by: str) -> bytes:
    """A full export with history, stored without compression: the sealed copy kept while
    a deleted site waits out its grace period (see ``wiki.store.erasure``). Attachments
    are listed by where their files are kept, not copied in."""
    ctx = operator_context(db, site)
    files = _collect(
        db, ctx, full=True, history=True, exported_by=exported_by, files_dir=None, by_reference=True
    )
    buffer = io.BytesIO()
    _zip(files, buffer, compress=False)
    return buffer.getvalue()


def operator_context(db: Database, site: str) -> SiteContext:
    """The site as the operator at the command line sees it (``wiki.access.OPERATOR``):
    every section; never reachable from a request (issue #13)."""
    if load_site(db, site) is None:
        raise NotFound(f"There is no site “{site}”.")
    return site_for(db, policy.OPERATOR, site)


def _filename(slug: str) -> str:
    return f"{slug}-{clock.now():%Y-%m-%d}.planwiki.zip"


def _zip(files: dict[str, FileSource], out: BinaryIO, *, compress: bool = True) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", compression=method, allowZip64=True) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            if isinstance(content, Path):
                with (
                    content.open("rb") as source,
                    archive.open(info, "w", force_zip64=True) as dest,
                ):
                    shutil.copyfileobj(source, dest, 1024 * 1024)
            else:
                archive.writestr(info, content)


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def front_matter(meta: dict[str, Any], body: str) -> str:
    lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()), "---"]
    return "\n".join(lines) + "\n" + body


def read_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        raise Invalid(f"{name} does not start with its front matter (a line of three dashes).")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise Invalid(f"{name}: the front matter has no closing line of three dashes.")
    meta: dict[str, Any] = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(": ")
        if not sep:
            raise Invalid(f"{name}: each front matter line should look like “name: value”.")
        try:
            meta[key.strip()] = json.loads(value)
        except ValueError:
            raise Invalid(f"{name}: the value of “{key.strip()}” is not readable.") from None
    return meta, text[end + 5 :]


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def _collect(
    db: Database,
    ctx: SiteContext,
    *,
    full: bool,
    history: bool,
    exported_by: str,
    files_dir: Path | None,
    by_reference: bool = False,
) -> dict[str, FileSource]:
    """Every file of the export, read only from the sections in ``ctx`` (in SQL)."""
    site = ctx.site
    ids = ctx.section_ids
    by_id = {s.id: s for s in ctx.sections}
    files: dict[str, FileSource] = {}
    pages: list[sqlite3.Row] = []
    revisions: dict[int, list[sqlite3.Row]] = {}
    redirects: dict[int, list[str]] = {}
    if ids:
        pages = db.all(
            "SELECT p.*, r.body, u.email AS updated_by_email FROM pages p"  # noqa: S608 - only "?" marks
            " JOIN revisions r ON r.page_id = p.id AND r.number = p.revision"
            " LEFT JOIN users u ON u.id = p.updated_by"
            f" WHERE p.section_id IN ({_marks(ids)}) ORDER BY p.section_id, p.position, p.slug",
            ids,
        )
        for r in db.all(
            "SELECT d.page_id, d.slug FROM page_redirects d"  # noqa: S608
            f" WHERE d.section_id IN ({_marks(ids)}) ORDER BY d.slug",
            ids,
        ):
            redirects.setdefault(r["page_id"], []).append(r["slug"])
        if history:
            for r in db.all(
                "SELECT r.*, u.email AS author_email FROM revisions r"  # noqa: S608
                " JOIN pages p ON p.id = r.page_id LEFT JOIN users u ON u.id = r.author_id"
                f" WHERE p.section_id IN ({_marks(ids)}) ORDER BY r.page_id, r.number",
                ids,
            ):
                revisions.setdefault(r["page_id"], []).append(r)
    site_json: dict[str, Any] = {
        "slug": site.slug,
        "title": site.title,
        "owner": site.owner_email,
        "date_of_birth": site.date_of_birth,
        "theme": site.theme,
        "created_at": site.created_at,
    }
    if full:
        review = db.one(
            "SELECT c.decided_at, u.email FROM control_reviews c"
            " LEFT JOIN users u ON u.id = c.decided_by WHERE c.site_id = ?",
            (site.id,),
        )
        site_json["control_review"] = (
            {"decided_at": review["decided_at"], "decided_by": review["email"]} if review else None
        )
    structure: list[dict[str, Any]] = []
    for section in ctx.sections:
        structure.append(
            {
                "key": section.key,
                "title": section.title,
                "position": section.position,
                "template": section.template,
                "pages": [],
            }
        )
    by_key = {s["key"]: s for s in structure}
    for p in pages:
        section = by_id[p["section_id"]]
        path = f"pages/{section.key}/{p['slug']}.md"
        meta = {
            "title": p["title"],
            "site": site.slug,
            "section": section.key,
            "page": p["slug"],
            "revision": p["revision"],
            "created_at": p["created_at"],
            "updated_at": p["updated_at"],
            "updated_by": p["updated_by_email"],
        }
        files[path] = front_matter(meta, p["body"]).encode()
        by_key[section.key]["pages"].append(
            {
                "slug": p["slug"],
                "title": p["title"],
                "position": p["position"],
                "revision": p["revision"],
                "file": path,
                "old_addresses": redirects.get(p["id"], []),
            }
        )
        for r in revisions.get(p["id"], []):
            rmeta = {
                "number": r["number"],
                "title": r["title"],
                "author": r["author_email"],
                "summary": r["summary"],
                "base": r["base"],
                "created_at": r["created_at"],
            }
            files[f"history/{section.key}/{p['slug']}/{r['number']:04d}.md"] = front_matter(
                rmeta, r["body"]
            ).encode()
    ordered: dict[str, FileSource] = {
        "planwiki.json": _json(
            {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "planwiki": __version__,
                "exported_at": clock.iso(),
                "exported_by": exported_by,
                "scope": "full" if full else "shared",
                "history": history,
                "site": site.slug,
            }
        ),
        "README.txt": _readme(site.title, full=full, history=history).encode(),
        "site.json": _json(site_json),
        "structure.json": _json({"sections": structure}),
    }
    if full:
        ordered.update(_circle_files(db, site.id))
    if has_attachments(db):
        listed, blobs = _attachment_files(
            db, ids, site.id, files_dir=files_dir, by_reference=by_reference
        )
        ordered["attachments.json"] = _json(listed)
        files.update(blobs)
    ordered.update(files)
    return ordered


def has_attachments(db: Database) -> bool:
    """Attachments arrived in migration 0006; older databases have none."""
    return (
        db.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'")
        is not None
    )


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


def _circle_files(db: Database, site_id: int) -> dict[str, bytes]:
    groups = [
        {"key": r["key"], "title": r["title"]}
        for r in db.all(
            "SELECT key, title FROM circle_groups WHERE site_id = ? ORDER BY key", (site_id,)
        )
    ]
    members = [
        {
            "email": r["email"],
            "name": r["name"],
            "relationship": r["relationship"],
            "groups": sorted(r["groups"].split(",")) if r["groups"] else [],
            "created_at": r["created_at"],
        }
        for r in db.all(
            "SELECT u.email, u.name, m.relationship, m.created_at,"
            " (SELECT GROUP_CONCAT(group_key) FROM member_groups WHERE member_id = m.id) AS groups"
            " FROM members m JOIN users u ON u.id = m.user_id WHERE m.site_id = ? ORDER BY u.email",
            (site_id,),
        )
    ]
    grants = [
        {
            "person": r["email"],
            "group": r["group_key"],
            "section": r["section"],
            "capability": r["capability"],
            "expires_at": r["expires_at"],
            "created_by": r["created_by_email"],
            "created_at": r["created_at"],
        }
        for r in db.all(
            "SELECT g.*, u.email, c.email AS created_by_email FROM grants g"
            " LEFT JOIN users u ON u.id = g.user_id LEFT JOIN users c ON c.id = g.created_by"
            " WHERE g.site_id = ? ORDER BY g.id",
            (site_id,),
        )
    ]
    link_rows = db.all(
        "SELECT l.*, u.email AS created_by_email FROM guest_links l"
        " LEFT JOIN users u ON u.id = l.created_by WHERE l.site_id = ? ORDER BY l.id",
        (site_id,),
    )
    link_ref = {r["id"]: n for n, r in enumerate(link_rows, start=1)}
    links = [
        {
            "ref": link_ref[r["id"]],
            "section": r["section"],
            "label": r["label"],
            "expires_at": r["expires_at"],
            "revoked_at": r["revoked_at"],
            "created_by": r["created_by_email"],
            "created_at": r["created_at"],
        }
        for r in link_rows
    ]
    audit = [
        {
            "at": r["at"],
            "person": r["email"],
            "link": link_ref.get(r["guest_link_id"]) if r["guest_link_id"] else None,
            "action": r["action"],
            "section": r["section"],
            "page": f"{r['page_section']}/{r['page_slug']}" if r["page_slug"] else None,
            "detail": r["detail"],
        }
        for r in db.all(
            "SELECT a.*, u.email, p.slug AS page_slug, s.key AS page_section FROM audit a"
            " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN pages p ON p.id = a.page_id"
            " LEFT JOIN sections s ON s.id = p.section_id WHERE a.site_id = ? ORDER BY a.id",
            (site_id,),
        )
    ]
    return {
        "circle.json": _json({"groups": groups, "members": members}),
        "grants.json": _json(grants),
        "links.json": _json(links),
        "audit.json": _json(audit),
    }


def _readme(title: str, *, full: bool, history: bool) -> str:
    scope = (
        "everything in the plan: every section, the circle, who can see what, and the log"
        if full
        else "the sections that were shared with the person who downloaded it, and nothing else"
    )
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        f"This is a copy of a planwiki plan. It holds {scope}.\n"
        f"{'Every earlier version of every page is in history/.' if history else 'Only the current version of each page is included.'}\n\n"
        "Each page is a plain text file in pages/<section>/<page>.md that any text editor can open.\n"
        "The lines between the two '---' lines at the top say what the page is and when it changed.\n\n"
        "To move the plan to another planwiki, sign in there and choose 'Bring a plan with you',\n"
        "or ask the people who run it to use: planwiki import <this file>\n"
    )


# ---- import ------------------------------------------------------------------------------


@dataclass
class _Revision:
    number: int
    title: str
    body: str
    summary: str
    base: int | None
    created_at: str
    author: str | None
    html: str = ""


@dataclass
class _Page:
    section: str
    slug: str
    title: str
    position: int
    revision: int
    created_at: str
    updated_at: str
    updated_by: str | None
    old_addresses: list[str]
    revisions: list[_Revision]


@dataclass
class Parsed:
    manifest: dict[str, Any]
    site: dict[str, Any]
    sections: list[dict[str, Any]]
    pages: list[_Page]
    groups: list[dict[str, str]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    archive: zipfile.ZipFile | None = None  # attachment bytes are read from it when written


@dataclass
class ImportResult:
    slug: str
    title: str
    pages: int
    revisions: int
    left_out: list[str]  # people with no account here (a person's import)
    skipped_files: list[str] = field(default_factory=list)  # attachments refused, with why


def _bad(message: str) -> Invalid:
    return Invalid(message, fields={"file": message})


def _text(value: Any, what: str, *, limit: int = MAX_TITLE, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()) or len(value) > limit:
        raise _bad(f"{what} is missing or too long.")
    return value


def _slug(value: Any, what: str) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value) or len(value) > 60:
        raise _bad(f"{what} is not a valid address (lower-case letters, numbers and hyphens).")
    return value


def _when(value: Any, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(f"{what} is missing its date.")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"{what} has a date that cannot be read: {value[:40]}") from None
    return value


def _email(value: Any, what: str, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(f"{what} is not an email address.")
    try:
        return accounts.normalise_email(value)
    except Invalid:
        raise _bad(f"{what} is not an email address.") from None


def _int(value: Any, what: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _bad(f"{what} is not a number.")
    return value


def parse_export(data: bytes | Path) -> Parsed:
    """Read and check a planwiki zip (its bytes, or a file), all of it, before anything is
    written. Attachment files are checked when they are written (``write_import``)."""
    try:
        archive = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _bad("That file is not a planwiki export (it is not a zip file).") from None
    try:
        return _parse_export(archive)
    except (AttributeError, TypeError, KeyError):  # a value of the wrong shape somewhere
        archive.close()
        raise _bad(
            "That export is damaged: some of its files are not in the expected form."
        ) from None
    except BaseException:
        archive.close()
        raise


def _parse_export(archive: zipfile.ZipFile) -> Parsed:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise TooLarge(f"That export has more than {MAX_ENTRIES:,} files.")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES or any(
        i.file_size
        > (MAX_ATTACHMENT_BYTES if i.filename.startswith("attachments/") else MAX_FILE_BYTES)
        for i in infos
    ):
        raise TooLarge("That export is too large to bring in here.")
    names = {i.filename for i in infos}

    def read(name: str) -> str:
        if name not in names:
            raise _bad(f"The export has no {name}.")
        try:
            with archive.open(name) as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise _bad(f"{name} in the export is damaged.") from None
        if len(raw) > MAX_FILE_BYTES:
            raise TooLarge(f"{name} is too large.")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad(f"{name} is not UTF-8 text.") from None

    def read_json(name: str) -> Any:
        try:
            return json.loads(read(name))
        except ValueError:
            raise _bad(f"{name} in the export is not readable JSON.") from None

    manifest = read_json("planwiki.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad("That file is not a planwiki export.")
    if manifest.get("version") != FORMAT_VERSION:
        raise _bad("That export was made by a newer planwiki; update this one first.")
    site = read_json("site.json")
    if not isinstance(site, dict):
        raise _bad("site.json is not readable.")
    site = {
        "slug": _slug(site.get("slug"), "The site's address"),
        "title": _text(site.get("title"), "The site's name"),
        "owner": _email(site.get("owner"), "The owner's email", optional=False),
        "date_of_birth": _date_of_birth(site.get("date_of_birth")),
        "theme": _slug(site.get("theme") or "default", "The theme"),
        "created_at": _when(site.get("created_at"), "The site"),
        "control_review": site.get("control_review"),
    }
    structure = read_json("structure.json")
    raw_sections = structure.get("sections") if isinstance(structure, dict) else None
    if not isinstance(raw_sections, list):
        raise _bad("structure.json has no list of sections.")
    sections: list[dict[str, Any]] = []
    pages: list[_Page] = []
    seen_keys: set[str] = set()
    for s in raw_sections:
        if not isinstance(s, dict):
            raise _bad("structure.json: a section is not readable.")
        key = _slug(s.get("key"), "A section's address")
        if key in _RESERVED_KEYS or key in seen_keys:
            raise _bad(f"The section address “{key}” cannot be used (it is reserved or repeated).")
        seen_keys.add(key)
        template = s.get("template")
        if template is not None and (not isinstance(template, str) or len(template) > 60):
            raise _bad(f"Section “{key}” has an unreadable template.")
        sections.append(
            {
                "key": key,
                "title": _text(s.get("title"), f"Section “{key}”'s name"),
                "position": _int(s.get("position"), f"Section “{key}”'s position"),
                "template": template,
            }
        )
        seen_slugs: set[str] = set()
        for p in s.get("pages") or []:
            if not isinstance(p, dict):
                raise _bad(f"structure.json: a page in “{key}” is not readable.")
            slug = _slug(p.get("slug"), f"A page address in “{key}”")
            if slug in seen_slugs:
                raise _bad(f"Two pages in “{key}” have the address “{slug}”.")
            seen_slugs.add(slug)
            old = p.get("old_addresses") or []
            if not isinstance(old, list):
                raise _bad(f"{key}/{slug}: the old addresses are not a list.")
            pages.append(
                _read_page(
                    read,
                    names,
                    key,
                    slug,
                    position=_int(p.get("position"), f"{key}/{slug}'s position") or 0,
                    old=[_slug(o, f"An old address of {key}/{slug}") for o in old],
                    history=bool(manifest.get("history")),
                )
            )
    parsed = Parsed(manifest, site, sections, pages, archive=archive)
    if manifest.get("scope") == "full":
        _read_circle(parsed, read_json, seen_keys)
    if "attachments.json" in names:
        _read_attachments(parsed, read_json("attachments.json"), names)
    return parsed


_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _read_attachments(parsed: Parsed, listed: Any, names: set[str]) -> None:
    if not isinstance(listed, list):
        raise _bad("attachments.json is not a list.")
    pages = {(p.section, p.slug) for p in parsed.pages}
    for a in listed:
        where = (a.get("section"), a.get("page"))
        if where not in pages:
            raise _bad("attachments.json names a page that is not in the export.")
        file = a.get("file")
        if file is not None and (not isinstance(file, str) or file not in names):
            raise _bad("attachments.json names a file that is not in the export.")
        for optional in ("stored", "thumb"):
            value = a.get(optional)
            if value is not None and (not isinstance(value, str) or ".." in value.split("/")):
                raise _bad("attachments.json has a file place that cannot be used.")
        key = a.get("key")
        parsed.attachments.append(
            {
                "key": key if isinstance(key, str) and _KEY.match(key) else None,
                "section": where[0],
                "page": where[1],
                "name": _text(a.get("name"), "An attachment's name", limit=200),
                "media_type": a.get("media_type") if isinstance(a.get("media_type"), str) else "",
                "caption": _text(
                    a.get("caption") or "", "An attachment's words", limit=500, empty=True
                ),
                "transcript": _text(
                    a.get("transcript") or "", "A transcript", limit=20_000, empty=True
                ),
                "main": bool(a.get("main")),
                "created_at": _when(a.get("created_at"), "An attachment"),
                "uploaded_by": _email(a.get("uploaded_by"), "An attachment's author"),
                "file": file,
                "stored": a.get("stored"),
                "thumb": a.get("thumb"),
                "kind": a.get("kind"),
                "size": a.get("size"),
                "width": a.get("width"),
                "height": a.get("height"),
            }
        )


def _date_of_birth(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad("The date of birth cannot be read.")
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise _bad("The date of birth cannot be read.") from None


def _read_page(
    read: Any,
    names: set[str],
    section: str,
    slug: str,
    *,
    position: int,
    old: list[str],
    history: bool,
) -> _Page:
    where = f"pages/{section}/{slug}.md"
    meta, body = read_front_matter(read(where), where)
    if len(body) > MAX_BODY_CHARS:
        raise TooLarge(f"{where} is longer than a page can be ({MAX_BODY_CHARS:,} characters).")
    number = _int(meta.get("revision"), f"{where}: the revision")
    if not number:
        raise _bad(f"{where}: the revision must be 1 or more.")
    page = _Page(
        section=section,
        slug=slug,
        title=_text(meta.get("title"), f"{where}: the title"),
        position=position,
        revision=number,
        created_at=_when(meta.get("created_at"), where) or "",
        updated_at=_when(meta.get("updated_at"), where) or "",
        updated_by=_email(meta.get("updated_by"), f"{where}: updated_by"),
        old_addresses=old,
        revisions=[],
    )
    prefix = f"history/{section}/{slug}/"
    files = sorted(n for n in names if n.startswith(prefix) and n.endswith(".md"))
    if history and files:
        numbers: set[int] = set()
        for name in files:
            rmeta, rbody = read_front_matter(read(name), name)
            n = _int(rmeta.get("number"), f"{name}: the number")
            if not n or n in numbers:
                raise _bad(f"{name}: the revision number is missing or repeated.")
            numbers.add(n)
            if len(rbody) > MAX_BODY_CHARS:
                raise TooLarge(f"{name} is longer than a page can be.")
            page.revisions.append(
                _Revision(
                    number=n,
                    title=_text(rmeta.get("title"), f"{name}: the title"),
                    body=rbody,
                    summary=_text(
                        rmeta.get("summary") or "", f"{name}: the summary", limit=300, empty=True
                    ),
                    base=_int(rmeta.get("base"), f"{name}: the base", optional=True),
                    created_at=_when(rmeta.get("created_at"), name) or "",
                    author=_email(rmeta.get("author"), f"{name}: the author"),
                )
            )
        page.revisions.sort(key=lambda r: r.number)
        last = page.revisions[-1]
        if last.number != number or last.body != body or last.title != page.title:
            raise _bad(
                f"{where} does not match the last revision in {prefix} (was it edited by hand?)."
            )
    else:
        page.revisions.append(
            _Revision(number, page.title, body, "", None, page.updated_at, page.updated_by)
        )
    return page


def _read_circle(parsed: Parsed, read_json: Any, sections: set[str]) -> None:
    circle = read_json("circle.json")
    if not isinstance(circle, dict):
        raise _bad("circle.json is not readable.")
    for g in circle.get("groups") or []:
        parsed.groups.append(
            {
                "key": _slug(g.get("key"), "A group's key"),
                "title": _text(g.get("title"), "A group's name"),
            }
        )
    group_keys = {g["key"] for g in parsed.groups}
    for m in circle.get("members") or []:
        groups = m.get("groups") or []
        if not isinstance(groups, list) or any(g not in group_keys for g in groups):
            raise _bad("circle.json: a member is in a group that does not exist.")
        parsed.members.append(
            {
                "email": _email(m.get("email"), "A member's email", optional=False),
                "name": _text(m.get("name"), "A member's name"),
                "relationship": _text(
                    m.get("relationship") or "", "A relationship", limit=80, empty=True
                ),
                "groups": groups,
                "created_at": _when(m.get("created_at"), "A member"),
            }
        )
    grants = read_json("grants.json")
    if not isinstance(grants, list):
        raise _bad("grants.json is not a list.")
    for g in grants:
        person = _email(g.get("person"), "A grant's person")
        group = g.get("group")
        if (person is None) == (group is None) or (group is not None and group not in group_keys):
            raise _bad("grants.json: each rule needs a person or a group of this circle.")
        section = g.get("section")
        if section != "*" and section not in sections:
            raise _bad("grants.json: a rule names a section that is not in the export.")
        if g.get("capability") not in ("view", "edit", "manage"):
            raise _bad("grants.json: a rule has an unknown capability.")
        parsed.grants.append(
            {
                "person": person,
                "group": group,
                "section": section,
                "capability": g["capability"],
                "expires_at": _when(g.get("expires_at"), "A grant's end", optional=True),
                "created_by": _email(g.get("created_by"), "A grant's author"),
                "created_at": _when(g.get("created_at"), "A grant"),
            }
        )
    links = read_json("links.json")
    if not isinstance(links, list):
        raise _bad("links.json is not a list.")
    for link in links:
        if link.get("section") not in sections:
            raise _bad("links.json: a guest link names a section that is not in the export.")
        parsed.links.append(
            {
                "ref": _int(link.get("ref"), "A guest link's number"),
                "section": link["section"],
                "label": _text(link.get("label") or "", "A guest link's label", empty=True),
                "expires_at": _when(link.get("expires_at"), "A guest link's end"),
                "revoked_at": _when(link.get("revoked_at"), "A guest link", optional=True),
                "created_by": _email(link.get("created_by"), "A guest link's author"),
                "created_at": _when(link.get("created_at"), "A guest link"),
            }
        )
    audit = read_json("audit.json")
    if not isinstance(audit, list):
        raise _bad("audit.json is not a list.")
    for a in audit:
        parsed.audit.append(
            {
                "at": _when(a.get("at"), "A log entry"),
                "person": _email(a.get("person"), "A log entry's person"),
                "link": _int(a.get("link"), "A log entry's link", optional=True),
                "action": _text(a.get("action"), "A log entry's action", limit=60),
                "section": a.get("section") if isinstance(a.get("section"), str) else None,
                "page": a.get("page") if isinstance(a.get("page"), str) else None,
                "detail": _text(a.get("detail") or "", "A log entry", limit=2000, empty=True),
            }
        )


def import_site(
    db: Database,
    actor: Actor,
    data: bytes | Path,
    *,
    slug: str | None = None,
    files_dir: Path | None = None,
) -> ImportResult:
    """A person brings a plan with them: they become its owner (see the module's rule)."""
    if actor.is_guest:
        raise NotFound()
    if actor.user_id is None:
        raise NotSignedIn("Sign in to bring a plan with you.")
    parsed = parse_export(data)
    return write_import(
        db, parsed, slug=slug, owner_id=actor.user_id, actor=actor, make_accounts=False,
        note="imported from an export" + _from(parsed), files_dir=files_dir,
    )  # fmt: skip


def import_site_as_operator(
    db: Database,
    data: bytes | Path,
    *,
    slug: str | None = None,
    owner: str | None = None,
    files_dir: Path | None = None,
) -> ImportResult:
    """``planwiki import``: the owner is the export's owner (made if unknown) or ``owner``."""
    parsed = parse_export(data)
    email = accounts.normalise_email(owner) if owner else parsed.site["owner"]
    found = accounts.find_user(db, email)
    if found is None and owner:
        raise NotFound(f"There is no account for {owner}.")
    with db.write():  # the owner's new account too, or nothing
        if found is None:
            name = next((m["name"] for m in parsed.members if m["email"] == email), None)
            found = accounts.create_user(db, email=email, name=name or email.split("@")[0])
        return write_import(
            db, parsed, slug=slug, owner_id=found.id, actor=Actor(), make_accounts=True,
            note="imported by the operator" + _from(parsed), files_dir=files_dir,
        )  # fmt: skip


def _from(parsed: Parsed) -> str:
    when = parsed.manifest.get("exported_at")
    return f" (the export was made on {str(when)[:10]})" if isinstance(when, str) else ""


def write_import(
    db: Database,
    parsed: Parsed,
    *,
    slug: str | None,
    owner_id: int,
    actor: Actor,
    make_accounts: bool,
    note: str,
    action: str = "import-site",
    files_dir: Path | None = None,
    files_root: Path | None = None,
) -> ImportResult:
    """Write a checked export as a new site in one transaction: all of it, or nothing.

    Attachment files are checked like uploads and staged first (``files_dir``); a deleted
    site's own files are copied back from ``files_root``. Without ``files_dir`` no
    attachment is brought in."""
    slug = _slug(slug, "The new address") if slug else parsed.site["slug"]
    for page in parsed.pages:  # the slow part, before taking the write lock
        for rev in page.revisions:
            rev.html = render(rev.body, site=slug, blocks=db.extensions.blocks)
    now = clock.iso()
    left_out: list[str] = []
    staging = files_dir / f".import-{secrets.token_hex(8)}" if files_dir else None
    placed: list[Path] = []
    try:
        prepared, skipped = _prepare_files(parsed, staging, files_root)
        with db.write():
            result = _write_rows(
                db, parsed, slug=slug, owner_id=owner_id, actor=actor, make_accounts=make_accounts,
                note=note, action=action, now=now, left_out=left_out,
                files=(prepared, files_dir, placed),
            )  # fmt: skip
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if parsed.archive is not None:
            parsed.archive.close()
    result.skipped_files = skipped
    return result


def _write_rows(
    db: Database,
    parsed: Parsed,
    *,
    slug: str,
    owner_id: int,
    actor: Actor,
    make_accounts: bool,
    note: str,
    action: str,
    now: str,
    left_out: list[str],
    files: tuple[list[_File], Path | None, list[Path]],
) -> ImportResult:
    if load_site(db, slug) is not None:
        raise Conflict(f"There is already a plan at the address “{slug}”. Choose another address.")
    people: dict[str, int] = {}

    def person(email: str | None) -> int | None:
        if email is None:
            return None
        if email not in people:
            found = accounts.find_user(db, email)
            if found is None:
                return None
            people[email] = found.id
        return people[email]

    s = parsed.site
    site_id = db.execute(
        "INSERT INTO sites (slug, title, owner_id, date_of_birth, theme, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (slug, s["title"], owner_id, s["date_of_birth"], s["theme"], s["created_at"] or now),
    ).lastrowid
    section_ids: dict[str, int] = {}
    for sec in parsed.sections:
        section_ids[sec["key"]] = int(
            db.execute(
                "INSERT INTO sections (site_id, key, title, position, template) VALUES (?, ?, ?, ?, ?)",
                (site_id, sec["key"], sec["title"], sec["position"], sec["template"]),
            ).lastrowid
            or 0
        )
    groups = parsed.groups or [{"key": k, "title": t} for k, t in STANDARD_GROUPS]
    for g in groups:
        db.execute(
            "INSERT INTO circle_groups (site_id, key, title) VALUES (?, ?, ?)",
            (site_id, g["key"], g["title"]),
        )
    members: set[int] = set()
    for m in parsed.members:
        user_id = person(m["email"])
        if user_id is None and make_accounts:
            user_id = accounts.create_user(db, email=m["email"], name=m["name"]).id
            people[m["email"]] = user_id
        if user_id is None:
            left_out.append(m["email"])
            continue
        if user_id == owner_id:
            continue
        member_id = db.execute(
            "INSERT INTO members (site_id, user_id, relationship, created_at) VALUES (?, ?, ?, ?)",
            (site_id, user_id, m["relationship"], m["created_at"]),
        ).lastrowid
        members.add(user_id)
        for group in m["groups"]:
            db.execute(
                "INSERT INTO member_groups (member_id, site_id, group_key) VALUES (?, ?, ?)",
                (member_id, site_id, group),
            )
    for g in parsed.grants:
        user_id = person(g["person"]) if g["person"] else None
        if g["person"] and user_id not in members:
            continue  # their grants come back only with them
        db.execute(
            "INSERT INTO grants (site_id, user_id, group_key, section, capability, expires_at,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (site_id, user_id, g["group"], g["section"], g["capability"], g["expires_at"],
             person(g["created_by"]), g["created_at"]),
        )  # fmt: skip
    links: dict[int, int] = {}
    for link in parsed.links:
        links[link["ref"]] = int(
            db.execute(
                "INSERT INTO guest_links (site_id, section, token_hash, label, expires_at,"
                " revoked_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, link["section"], "imported-" + secrets.token_hex(32), link["label"],
                 link["expires_at"], link["revoked_at"] or now, person(link["created_by"]),
                 link["created_at"]),
            ).lastrowid or 0
        )  # fmt: skip
    page_ids: dict[str, int] = {}
    revisions = 0
    for p in parsed.pages:
        sec_id = section_ids[p.section]
        page_id = int(
            db.execute(
                "INSERT INTO pages (site_id, section_id, slug, title, position, revision,"
                " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, sec_id, p.slug, p.title, p.position, p.revision, p.created_at,
                 p.updated_at, person(p.updated_by)),
            ).lastrowid or 0
        )  # fmt: skip
        page_ids[f"{p.section}/{p.slug}"] = page_id
        for r in p.revisions:  # the index triggers file each as current or old
            db.execute(
                "INSERT INTO revisions (page_id, number, title, body, html, summary, author_id,"
                " base, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (page_id, r.number, r.title, r.body, r.html, r.summary, person(r.author),
                 r.base, r.created_at),
            )  # fmt: skip
            revisions += 1
        for old in p.old_addresses:
            db.execute(
                "INSERT OR IGNORE INTO page_redirects (section_id, slug, page_id) VALUES (?, ?, ?)",
                (sec_id, old, page_id),
            )
    _place_files(db, files, site_id=int(site_id or 0), page_ids=page_ids, person=person)
    for a in parsed.audit:
        db.execute(
            "INSERT INTO audit (site_id, at, user_id, guest_link_id, action, section, page_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (site_id, a["at"], person(a["person"]), links.get(a["link"] or -1), a["action"],
             a["section"], page_ids.get(a["page"] or ""), a["detail"]),
        )  # fmt: skip
    review = s.get("control_review")
    if isinstance(review, dict) and isinstance(review.get("decided_at"), str):
        db.execute(
            "INSERT INTO control_reviews (site_id, decided_at, decided_by) VALUES (?, ?, ?)",
            (site_id, review["decided_at"], person(_email(review.get("decided_by"), "review"))),
        )
    record(
        db,
        site_id=int(site_id or 0),
        actor=actor,
        action=action,
        detail=note + (f"; not yet here: {len(left_out)} people" if left_out else ""),
    )
    return ImportResult(slug, s["title"], len(parsed.pages), revisions, left_out)


# ---- attachment files on import -------------------------------------------------------


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
) -> None:
    """Inside the import's transaction: put each checked file in the new site's folder
    and add its row. ``placed`` collects what was written, to remove it if it fails."""
    prepared, files_dir, placed = files
    if not prepared or files_dir is None:
        return
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
            " caption, transcript, is_main, path, thumb_path, uploaded_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, site_id, page_id, f.name, f.kind, f.media_type, f.size, f.width, f.height,
             a["caption"], a["transcript"], int(a["main"]), str(final.relative_to(files_dir)),
             str(thumb.relative_to(files_dir)) if thumb else None, person(a["uploaded_by"]),
             a["created_at"]),
        )  # fmt: skip


# ---- printing ---------------------------------------------------------------------------


def printable(
    db: Database, actor: Actor, *, site: str, section: str | None = None
) -> tuple[SiteContext, list[tuple[Section, list[Page]]]]:
    """The pages of one section, or of every section this person may view, with their
    rendered text, in reading order (read in SQL from the viewable sections only)."""
    ctx = site_for(db, actor, site)
    chosen = [ctx.require("view", section)] if section else ctx.sections
    ids = [s.id for s in chosen]
    by_id = {s.id: s for s in chosen}
    found: dict[int, list[Page]] = {i: [] for i in ids}
    if ids:
        for r in db.all(
            "SELECT p.*, r.body, r.html, u.email AS updated_by_email, u.name AS updated_by_name"  # noqa: S608
            " FROM pages p JOIN revisions r ON r.page_id = p.id AND r.number = p.revision"
            " LEFT JOIN users u ON u.id = p.updated_by"
            f" WHERE p.section_id IN ({_marks(ids)}) ORDER BY p.position, p.title COLLATE NOCASE",
            ids,
        ):
            found[r["section_id"]].append(
                Page(
                    id=r["id"],
                    section=by_id[r["section_id"]],
                    slug=r["slug"],
                    title=r["title"],
                    revision=r["revision"],
                    body=r["body"],
                    html=r["html"],
                    updated_at=r["updated_at"],
                    updated_by=r["updated_by_email"],
                    updated_by_name=r["updated_by_name"],
                )
            )
    log = view_log(db)
    for s in chosen:
        for p in found[s.id]:
            log.add(db, site_id=ctx.site.id, actor=actor, section=s.key, page_id=p.id)
    return ctx, [(s, found[s.id]) for s in chosen]


def all_pages(groups: Iterable[tuple[Section, list[Page]]]) -> list[Page]:
    return [p for _, pages in groups for p in pages]
