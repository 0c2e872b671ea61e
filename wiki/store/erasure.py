"""Deleting a site or an account, for real (issue #7).

A site: only its owner may delete it (a plan made for someone that has no owner yet: its
stewards, who can also bring it back; issue #14), after typing its address. At that moment the
site leaves every live table (pages, revisions, circle, grants, links, log, search
index) in one transaction, so nothing of it can be reached by anyone, and a sealed
archive of it (a full export with history) is kept in ``deletions`` for the 30-day
grace period, in which the owner can bring it back. When the grace period is over
(``planwiki purge``, also run at start) the archive is destroyed, the search index is
rewritten without it and the write-ahead log is checkpointed and truncated;
``secure_delete`` (on for every connection) zeroes the freed space, so the words are gone
from the file itself. With a replicator attached (Litestream) the log may stay untruncated
and the replica keeps older copies: ``wiki.store.scrub`` keeps the waits short and
``describe`` says so rather than "destroyed for good" (issue #15).

An account: the person types their email address. Their sessions, tokens, sign-in
links, memberships and grants go; their past edits stay in the plans they helped
with, shown as "a former member"; their email is taken out of the sites' logs and of
the outbox. Someone who still owns a plan must delete it first (plans already
deleted and waiting out their grace period are destroyed with the account).

Both are recorded: in ``deletions`` (which keeps no content once purged) and, for an
account, in the log of every site whose circle they were in.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from wiki import clock
from wiki.dates import day_month_year
from wiki.db import Database
from wiki.errors import Invalid, NotFound, NotSignedIn
from wiki.models import Actor
from wiki.store import scrub, transfer
from wiki.store.audit import record, view_log
from wiki.store.context import SiteContext, site_for

GRACE_DAYS = 30
FORMER = "a former member"


@dataclass
class Deletion:
    id: int
    slug: str
    title: str
    requested_at: str
    purge_after: str


def _deletion(row: sqlite3.Row) -> Deletion:
    return Deletion(
        row["id"], row["site_slug"], row["site_title"], row["requested_at"], row["purge_after"]
    )


# ---- sites -----------------------------------------------------------------------------


def holding(files_dir: Path, deletion_id: int) -> Path:
    """Where a deleted site's attachment files wait out the grace period: out of the
    site's folder at once (a new site may be given the same id)."""
    return files_dir / ".deleted" / str(deletion_id)


def delete_site(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    confirm: str,
    files_dir: Path | None = None,
) -> Deletion:
    """The owner deletes their plan; it can be brought back for ``GRACE_DAYS`` days."""
    ctx = site_for(db, actor, site)
    ctx.check("delete-plan")
    if confirm.strip().lower() != ctx.site.slug:
        raise Invalid(
            f"To delete the plan, type its address, {ctx.site.slug}, exactly.",
            fields={"confirm": "Type the address to confirm."},
        )
    view_log(db).flush(db)  # no buffered view may outlive the site
    now = clock.now()
    moved: Path | None = None
    try:
        with db.write():
            record(db, site_id=ctx.site.id, actor=actor, action="delete-site",
                   detail=f"deleted; it can be brought back until {day_month_year(now + timedelta(days=GRACE_DAYS))}")  # fmt: skip
            archive = transfer.build_archive(db, site=ctx.site.slug, exported_by=actor.email)
            deletion_id = db.execute(
                "INSERT INTO deletions (kind, site_id, site_slug, site_title, owner_id, requested_by,"
                " requested_at, purge_after, archive) VALUES ('site', ?, ?, ?, ?, ?, ?, ?, ?)",
                # A plan with no owner yet: its steward who deleted it may bring it back.
                (ctx.site.id, ctx.site.slug, ctx.site.title, ctx.site.owner_id or actor.user_id,
                 actor.user_id,
                 clock.iso(now), clock.iso(now + timedelta(days=GRACE_DAYS)), archive),
            ).lastrowid  # fmt: skip
            _remove_site_rows(db, ctx.site.id)
            moved = _set_aside(files_dir, ctx.site.id, int(deletion_id or 0))
    except BaseException:
        _put_back(moved, files_dir, ctx.site.id)  # the site is still there: so are its files
        raise
    row = db.one("SELECT * FROM deletions WHERE id = ?", (deletion_id,))
    assert row is not None
    return _deletion(row)


def _remove_site_rows(db: Database, site_id: int) -> None:
    """Every row of the site: ON DELETE CASCADE takes sections, pages, revisions, the
    circle, grants, links, invitations and the log; the index triggers take its rows out
    of the search index. The explicit delete below is a second line for the index."""
    db.execute("DELETE FROM sites WHERE id = ?", (site_id,))
    db.execute(
        "DELETE FROM search_index WHERE rowid IN"
        " (SELECT rowid FROM search_index WHERE search_index MATCH ?)",
        (f"scope : (cs{site_id} OR rs{site_id})",),
    )


def _set_aside(files_dir: Path | None, site_id: int, deletion_id: int) -> Path | None:
    if files_dir is None:
        return None
    folder = files_dir / str(site_id)
    if not folder.is_dir():
        return None
    target = holding(files_dir, deletion_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(folder, target)
    return target


def _put_back(moved: Path | None, files_dir: Path | None, site_id: int) -> None:
    if moved is not None and files_dir is not None:
        os.replace(moved, files_dir / str(site_id))


def deleted_sites(db: Database, actor: Actor) -> list[Deletion]:
    """The actor's own deleted plans that can still be brought back."""
    if actor.user_id is None or actor.is_guest:
        return []
    rows = db.all(
        "SELECT * FROM deletions WHERE kind = 'site' AND owner_id = ? AND restored_at IS NULL"
        " AND purged_at IS NULL AND purge_after > ? ORDER BY requested_at DESC",
        (actor.user_id, clock.iso()),
    )
    return [_deletion(r) for r in rows]


def restore_site(
    db: Database,
    actor: Actor,
    *,
    deletion_id: int,
    slug: str | None = None,
    files_dir: Path | None = None,
) -> transfer.ImportResult:
    """Bring a deleted plan back, as it was (guest links stay switched off)."""
    if actor.user_id is None or actor.is_guest:
        raise NotSignedIn("Sign in to bring back a plan.")
    row = db.one(
        "SELECT * FROM deletions WHERE id = ? AND kind = 'site' AND owner_id = ?"
        " AND restored_at IS NULL AND purged_at IS NULL AND purge_after > ?",
        (deletion_id, actor.user_id, clock.iso()),
    )
    if row is None:
        raise NotFound("There is no deleted plan of yours to bring back there.")
    parsed = transfer.parse_export(row["archive"])
    with db.write():
        # A plan made for someone comes back still waiting for them (issue #14); its
        # stewards, the one bringing it back among them, return with the circle.
        owner_id = actor.user_id if parsed.site["owner"] else None
        result = transfer.write_import(
            db, parsed, slug=slug or row["site_slug"], owner_id=owner_id, actor=actor,
            make_accounts=False, note="brought back after being deleted", action="restore-site",
            files_dir=files_dir, files_root=holding(files_dir, deletion_id) if files_dir else None,
        )  # fmt: skip
        db.execute(
            "UPDATE deletions SET restored_at = ?, archive = NULL WHERE id = ?",
            (clock.iso(), deletion_id),
        )
    if files_dir is not None:  # the files were copied into the site's new folder
        shutil.rmtree(holding(files_dir, deletion_id), ignore_errors=True)
    return result


@dataclass
class PurgeReport:
    """What ``planwiki purge`` did, for an honest message (see ``describe``)."""

    destroyed: int
    wal: scrub.WalReport | None  # None when nothing was due and the files were left alone


def purge_due(db: Database, *, files_dir: Path | None = None, wait_s: float = 1.0) -> int:
    """Destroy the archives (and files) whose grace period is over; return how many."""
    return purge(db, files_dir=files_dir, wait_s=wait_s, scrub_always=False).destroyed


def purge(
    db: Database,
    *,
    files_dir: Path | None = None,
    wait_s: float = 10.0,
    step: scrub.Step = scrub.quiet,
    scrub_always: bool = True,
) -> PurgeReport:
    """Destroy what is past its grace period, one plan per short transaction, then make
    the words leave the files (``scrub``); waits are bounded by ``wait_s`` (issue #15)."""
    due = [
        r["id"]
        for r in db.all(
            "SELECT id FROM deletions WHERE kind = 'site' AND purged_at IS NULL"
            " AND restored_at IS NULL AND purge_after <= ?",
            (clock.iso(),),
        )
    ]
    if due:
        step(f"Destroying {len(due)} deleted plan{'s' if len(due) != 1 else ''}")
    for deletion_id in due:
        with db.write():  # one at a time: the write lock is never held for long
            _purge(db, deletion_id)
        _purge_files(files_dir, deletion_id)
    if not due and not scrub_always:
        return PurgeReport(0, None)
    return PurgeReport(len(due), scrub.scrub(db, wait_s=wait_s, step=step))


def describe(report: PurgeReport, db_path: Path) -> list[str]:
    """The purge's outcome in plain words. "Destroyed for good" only when it is true: the
    log was truncated and no replica keeps copies (issue #15)."""
    n = report.destroyed
    plans = f"{n} deleted plan{'s' if n != 1 else ''}"
    wal = report.wal
    if n == 0:
        lines = [f"{plans} destroyed: none is past its {GRACE_DAYS}-day grace period."]
    elif wal is not None and wal.truncated and wal.replica is None and wal.index_rewritten:
        return [f"{plans} destroyed for good: gone from the database, its search index and its write-ahead log."]  # fmt: skip
    elif wal is not None and wal.truncated:
        index = ", its search index" if wal.index_rewritten else ""
        lines = [f"{plans} destroyed in the database{index} and its write-ahead log."]
    else:
        lines = [f"{plans}: the text is deleted from the database."]
    if wal is not None and not wal.truncated:
        copies = "But older copies remain" if n else "Copies of text deleted earlier may remain"
        lines.append(
            f"{copies} in the write-ahead log ({db_path}-wal, {wal.wal_bytes:,} bytes)"
            f" until it is checkpointed and truncated: another program held a read transaction"
            f" for the {wal.waited_s:.1f} s planwiki waited ({wal.attempts} tries)."
            " If that is a replicator such as Litestream: stop it, run `planwiki purge` again,"
            " then start it again."
        )
    if wal is not None and not wal.index_rewritten:
        lines.append(
            "The search index still holds older entries with the words (never shown: deleted"
            " entries are skipped) until it is rewritten: run `planwiki purge` again when the"
            " wiki is quiet."
        )
    if wal is not None and wal.replica is not None and (n or not wal.truncated):
        lines.append(
            f"Older copies also remain in {wal.replica} until its retention ends"
            " (see docs/replication.md for how long, and how to shorten it)."
        )
    return lines


def _purge(db: Database, deletion_id: int) -> None:
    db.execute(
        "UPDATE deletions SET archive = NULL, site_slug = NULL, site_title = NULL, purged_at = ?"
        " WHERE id = ?",
        (clock.iso(), deletion_id),
    )


def _purge_files(files_dir: Path | None, deletion_id: int) -> None:
    if files_dir is not None:
        shutil.rmtree(holding(files_dir, deletion_id), ignore_errors=True)


def finish_erasure(
    db: Database, *, wait_s: float = 1.0, index_budget_s: float = scrub.INDEX_BUDGET_S
) -> scrub.WalReport:
    """Make deleted words leave the file: rewrite the search index without them, then
    write the write-ahead log back and truncate it, waiting at most ``wait_s`` for readers
    and never holding up other writers for more than a moment (see wiki/store/scrub.py)."""
    return scrub.scrub(db, wait_s=wait_s, index_budget_s=index_budget_s)
