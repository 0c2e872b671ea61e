"""Building an export: the whole plan for the owner, stewards and the operator, only the
shared sections for anyone else (issue #7; split out of ``transfer.py`` in issue #13).

The owner and stewards export everything; anyone else exports only the sections they
may view (read in SQL by ``ctx.section_ids``), with no circle, sharing or audit. The
archive's layout is described in ``wiki.store.transfer.archive``.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

from wiki import __version__, clock
from wiki import access as policy
from wiki.db import Database
from wiki.errors import NotFound, NotSignedIn
from wiki.models import Actor
from wiki.store.audit import record, view_log
from wiki.store.context import SiteContext, load_site, site_for
from wiki.store.transfer.archive import (
    FORMAT,
    FORMAT_VERSION,
    Export,
    FileSource,
    _export,
    _json,
    _marks,
    _readme,
    _zip,
    front_matter,
    has_attachments,
)
from wiki.store.transfer.attachments import _attachment_files


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
    if actor.user_id is None and not actor.is_guest:
        raise NotSignedIn("Sign in to download a copy.")
    ctx = site_for(db, actor, site)
    if not ctx.allows("export"):
        raise NotFound()  # the rule book's ``export`` (issue #25): never through a guest link
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
        "person_name": site.person_name,
        # Personal details only for the owner, stewards and the operator (issue #14).
        "pending_owner": ctx.pending_owner,
        "date_of_birth": ctx.date_of_birth,
        "theme": site.theme,
        "created_at": site.created_at,
        # The young person's own line and photo (issue #16). The photo goes only with its
        # page: an export of the parts someone may read never names a photo they may not see.
        "intro": site.intro,
        "photo": _photo_key(db, site.photo_id, ids),
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


def _photo_key(db: Database, photo_id: int | None, ids: list[int]) -> str | None:
    if photo_id is None or not ids:
        return None
    row = db.one(
        "SELECT a.key FROM attachments a JOIN pages p ON p.id = a.page_id"  # noqa: S608 - only "?" marks
        f" WHERE a.id = ? AND p.section_id IN ({_marks(ids)})",
        [photo_id, *ids],
    )
    return str(row["key"]) if row else None


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
