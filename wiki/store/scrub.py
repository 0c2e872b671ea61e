"""Making deleted words leave the files on disk, with a replicator attached (issue #15).

After a purge or an account deletion the rows are gone, but copies of the words can
remain in three places: the search index's old segments, the write-ahead log
(``<db>-wal``, and pages of the database file not yet written back from it), and a
replica such as Litestream's. This module deals with the first two and tells the truth
about all three:

- The search index is rewritten without the deleted words by FTS5 ``merge`` steps with a
  negative page count, each in its own short transaction, until a step changes nothing:
  the same result as ``optimize`` (https://sqlite.org/fts5.html#the_merge_command) without
  holding the write lock for the whole rewrite (on a 100-site council: ``optimize`` held it
  3.1 s; 72 steps of 64 pages took 2.6 s, the longest 0.14 s). ``secure_delete`` (on for
  every connection, see wiki/db.py) zeroes the pages the rewrite frees. If the steps have
  not finished within ``INDEX_BUDGET_S`` the report says so.
- The write-ahead log is checkpointed with ``TRUNCATE`` from a connection of its own
  whose busy timeout is short (``CHECKPOINT_BUSY_MS``): a TRUNCATE checkpoint holds the
  write lock while it waits for readers, so a long timeout there is what made every save
  wait (and fail with "database is locked") while Litestream, which keeps a read
  transaction open almost all the time, was running. Between attempts nothing is held.
  If the log could not be truncated within the time allowed, the report says so.
- A replicator is recognised by what Litestream leaves: its ``_litestream_seq`` table in
  the database, or its folder ``.<name>-litestream`` next to the file.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wiki.db import Database

CHECKPOINT_BUSY_MS = 100  # the longest a TRUNCATE attempt may hold up another writer
PAUSE_S = 0.25  # between attempts, with no lock held
MERGE_PAGES = 64  # pages one FTS5 merge step may write inside one short transaction
INDEX_BUDGET_S = 300.0  # merge steps for this long at most (a full council: about 2 min)

Step = Callable[[str], None]


@dataclass
class WalReport:
    """What became of the write-ahead log after an erasure."""

    truncated: bool  # the log was checkpointed and cut to nothing: no old copies left in it
    wal_bytes: int  # the size of ``<db>-wal`` afterwards
    attempts: int
    waited_s: float  # trying to checkpoint
    replica: str | None  # where a replicator keeps copies, when one was found
    index_rewritten: bool = True  # the search index no longer holds deleted entries


def quiet(_: str) -> None:
    pass


def rewrite_index(db: Database, *, step: Step = quiet, budget_s: float = INDEX_BUDGET_S) -> bool:
    """Rewrite the search index without deleted entries, in short transactions; return
    whether it finished within ``budget_s``."""
    step("Rewriting the search index without the deleted words")
    deadline = time.monotonic() + budget_s
    steps = 0
    while time.monotonic() < deadline:
        steps += 1
        if steps % 100 == 0:
            step(f"Still rewriting the search index ({steps} steps)")
        with db.write() as conn:
            before = conn.conn.total_changes
            db.execute(
                "INSERT INTO search_index (search_index, rank) VALUES ('merge', ?)", (-MERGE_PAGES,)
            )
            changed = conn.conn.total_changes - before
        if changed < 2:  # nothing left to merge: the index is as 'optimize' leaves it
            return True
    return False  # never one long 'optimize' instead: that would hold up every save


def checkpoint(path: Path, *, wait_s: float, step: Step = quiet) -> tuple[bool, int]:
    """Try ``wal_checkpoint(TRUNCATE)`` for up to ``wait_s`` seconds, never holding the
    write lock longer than ``CHECKPOINT_BUSY_MS`` at a time; return (truncated, attempts)."""
    step("Writing the write-ahead log back into the database and truncating it")
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_BUSY_MS}")
        deadline = time.monotonic() + wait_s
        attempts = 0
        while True:
            attempts += 1
            try:
                busy = int(conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0])
            except sqlite3.OperationalError:  # locked past the short timeout
                busy = 1
            if not busy:
                return True, attempts
            if time.monotonic() + PAUSE_S > deadline:
                return False, attempts
            if attempts == 1:
                step("Another program is reading the database (a replicator?): trying again")
            time.sleep(PAUSE_S)
    finally:
        conn.close()


def replica_of(db: Database) -> str | None:
    """Where a replicator (Litestream) keeps copies of this database, if one is attached."""
    meta = db.path.parent / f".{db.path.name}-litestream"
    if meta.exists():
        return f"a Litestream replica (and its local copies in {meta})"
    if db.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_litestream_seq'"):
        return "a Litestream replica"
    return None


def scrub(
    db: Database,
    *,
    wait_s: float = 1.0,
    step: Step = quiet,
    index_budget_s: float = INDEX_BUDGET_S,
) -> WalReport:
    """After rows were deleted: rewrite the index, then checkpoint and truncate the log."""
    rewritten = rewrite_index(db, step=step, budget_s=index_budget_s)
    started = time.monotonic()
    truncated, attempts = checkpoint(db.path, wait_s=wait_s, step=step)
    wal = Path(f"{db.path}-wal")
    size = wal.stat().st_size if wal.exists() else 0
    return WalReport(
        truncated=truncated,
        wal_bytes=size,
        attempts=attempts,
        waited_s=time.monotonic() - started,
        replica=replica_of(db),
        index_rewritten=rewritten,
    )
