"""The operator's administration at the command line (issue #24): list the plans, bring a
deleted one back, erase one now (a legal request cannot wait 30 days), and the log of
what the operator did (``operator_log``; a plan's own log goes when the plan is erased).

The operator is ``access.OPERATOR`` in spirit: no request can reach these functions; they
read no page text (titles, addresses, owners and counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiki import clock
from wiki.db import Database
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.store import erasure, scrub, transfer
from wiki.store.audit import record, view_log
from wiki.store.context import load_site

OPERATOR = Actor(name="the operator")


@dataclass(frozen=True)
class Plan:
    slug: str
    title: str
    owner: str  # an email, "waiting for <email>", or "no owner"
    pages: int
    changed: str  # ISO time of the last save ("" for none)
    deleted_at: str = ""  # deleted plans only: when, and until when it can come back
    until: str = ""


def log(db: Database, command: str, detail: str) -> None:
    from wiki import versions  # (the release that ran it)

    with db.write():
        db.execute(
            "INSERT INTO operator_log (at, command, detail, version) VALUES (?, ?, ?, ?)",
            (clock.iso(), command, detail, versions.VERSION),
        )


def operator_log(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    return [
        dict(r) for r in db.all("SELECT * FROM operator_log ORDER BY id DESC LIMIT ?", (limit,))
    ]


def list_plans(db: Database) -> tuple[list[Plan], list[Plan]]:
    """The plans, and the deleted plans that can still be brought back."""
    live = [
        Plan(r["slug"], r["title"],
             r["owner"] or (f"waiting for {r['pending']}" if r["pending"] else "no owner"),
             r["pages"], r["changed"] or "")
        for r in db.all(
            "SELECT s.slug, s.title, u.email AS owner,"
            " (SELECT o.email FROM plan_offers o WHERE o.site_id = s.id AND o.kind = 'made-for'"
            " LIMIT 1) AS pending,"
            " (SELECT COUNT(*) FROM pages p WHERE p.site_id = s.id) AS pages,"
            " (SELECT MAX(p.updated_at) FROM pages p WHERE p.site_id = s.id) AS changed"
            " FROM sites s LEFT JOIN users u ON u.id = s.owner_id ORDER BY s.slug"
        )
    ]  # fmt: skip
    deleted = [
        Plan(r["site_slug"], r["site_title"], r["owner"] or "no owner", 0, "",
             r["requested_at"], r["purge_after"])
        for r in db.all(
            "SELECT d.*, u.email AS owner FROM deletions d LEFT JOIN users u ON u.id = d.owner_id"
            " WHERE d.kind = 'site' AND d.restored_at IS NULL AND d.purged_at IS NULL"
            " AND d.purge_after > ? ORDER BY d.requested_at DESC",
            (clock.iso(),),
        )
    ]  # fmt: skip
    return live, deleted


def _deletion(db: Database, slug: str) -> dict[str, Any]:
    row = db.one(
        "SELECT * FROM deletions WHERE kind = 'site' AND site_slug = ? AND restored_at IS NULL"
        " AND purged_at IS NULL AND purge_after > ? ORDER BY requested_at DESC LIMIT 1",
        (slug, clock.iso()),
    )
    if row is None:
        raise NotFound(f"There is no deleted plan “{slug}” to bring back (planwiki site list).")
    return dict(row)


def restore_plan(db: Database, slug: str, *, files_dir: Path | None) -> transfer.ImportResult:
    """A deleted plan back at its address, as it was, with its owner (or still waiting
    for the young person, for a plan made for them)."""
    row = _deletion(db, slug)
    parsed = transfer.parse_export(row["archive"])
    with db.write():
        owner_id = row["owner_id"] if parsed.site["owner"] else None
        result = transfer.write_import(
            db, parsed, slug=slug, owner_id=owner_id, actor=OPERATOR, make_accounts=False,
            note="brought back by the operator", action="restore-site", files_dir=files_dir,
            files_root=erasure.holding(files_dir, row["id"]) if files_dir else None,
            steward_id=None if owner_id else row["requested_by"],
        )  # fmt: skip
        db.execute(
            "UPDATE deletions SET restored_at = ?, archive = NULL WHERE id = ?",
            (clock.iso(), row["id"]),
        )
    if files_dir is not None:
        erasure._purge_files(files_dir, row["id"])
    return result


def erase_plan(
    db: Database, slug: str, *, files_dir: Path | None, wait_s: float = 10.0
) -> scrub.WalReport:
    """A plan (or a deleted plan in its grace period) destroyed now: its rows, its archive,
    its files, then the words made to leave the file (``scrub``)."""
    site = load_site(db, slug)
    if site is None:
        row = _deletion(db, slug)
        with db.write():
            erasure._purge(db, row["id"])
        erasure._purge_files(files_dir, row["id"])
        return scrub.scrub(db, wait_s=wait_s)
    view_log(db).flush(db)
    with db.write():
        record(
            db,
            site_id=site.id,
            actor=OPERATOR,
            action="delete-site",
            detail="erased by the operator",
        )
        deletion_id = db.execute(
            "INSERT INTO deletions (kind, site_id, site_slug, site_title, owner_id, requested_by,"
            " requested_at, purge_after, archive) VALUES ('site', ?, ?, ?, ?, NULL, ?, ?, NULL)",
            (site.id, site.slug, site.title, site.owner_id, clock.iso(), clock.iso()),
        ).lastrowid  # fmt: skip
        erasure._remove_site_rows(db, site.id)
        erasure._purge(db, int(deletion_id or 0))
    moved = erasure._set_aside(files_dir, site.id, int(deletion_id or 0))
    if moved is not None:
        erasure._purge_files(files_dir, int(deletion_id or 0))
    return scrub.scrub(db, wait_s=wait_s)
