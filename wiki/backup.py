"""Backups that are safe to take while the app runs, restores that check first (issue #7).

* ``backup(source, dest)``: ``VACUUM INTO`` a temporary file beside ``dest`` — one read
  transaction, so the copy is a consistent snapshot however many writers are busy (WAL
  lets them carry on) — then ``PRAGMA integrity_check`` and the search index's own
  check on the copy, and only then the rename into place. Never a copy of the live file.
* ``check(path)``: integrity, foreign keys, the search index, and counts.
* ``restore(backup, target)``: checks the backup first (SQLite, intact, a planwiki
  database no newer than this planwiki), keeps a copy of the current database beside it,
  then writes the backup into the target with SQLite's online backup API (safe even if
  the app has the file open: its connections see the restored data on their next
  read), applies any newer migrations, and checks the result.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wiki import clock
from wiki.db import MIGRATION_SET, connect, core_migrations, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
COUNTED = ("users", "sites", "sections", "pages", "revisions", "audit")


class BackupError(Exception):
    """Something is wrong with a backup or the database: the message says what, plainly."""


@dataclass
class Report:
    path: Path
    ok: bool
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def summary(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        state = "OK" if self.ok else "PROBLEMS: " + "; ".join(self.problems)
        return f"{self.path}: {state} ({self.bytes:,} bytes; {counts})"


def _readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def check(path: Path | str, *, writable: bool = False) -> Report:
    """Is this an intact planwiki database? Nothing is changed. The search index's own
    check needs a writable connection: with ``writable`` it runs on the file itself (the
    live database, a fresh copy), otherwise on a temporary copy (someone's backup)."""
    path = Path(path)
    report = Report(path, ok=False)
    if not path.is_file():
        report.problems.append("there is no file there")
        return report
    report.bytes = path.stat().st_size
    with open(path, "rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            report.problems.append("it is not an SQLite database")
            return report
    try:
        conn = _readonly(path)
    except sqlite3.Error as problem:
        report.problems.append(f"it cannot be opened ({problem})")
        return report
    try:
        results = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if results != ["ok"]:
            report.problems += [f"integrity: {r}" for r in results[:10]]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            report.problems.append(f"{len(broken)} rows point at rows that are not there")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "_sqlite_migrations" not in tables or "sites" not in tables:
            report.problems.append("it is not a planwiki database")
        else:
            known = {m.name for m in core_migrations()._migrations}
            applied = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
                )
            }
            newer = sorted(applied - known)
            if newer:
                report.problems.append(
                    f"it was made by a newer planwiki (steps {', '.join(newer)}); update first"
                )
            for table in COUNTED:
                if table in tables:
                    # ``table`` comes from our own fixed list (COUNTED), never from input.
                    sql = f"SELECT COUNT(*) FROM {table}"  # noqa: S608
                    report.counts[table] = conn.execute(sql).fetchone()[0]
    except sqlite3.DatabaseError as problem:
        report.problems.append(f"it is damaged ({problem})")
    finally:
        conn.close()
    if not report.problems:
        index_problem = _fts_check(path) if writable else _fts_check_copy(path)
        if index_problem:
            report.problems.append(index_problem)
    report.ok = not report.problems
    return report


def _fts_check(path: Path) -> str | None:
    """The search index's own integrity check needs a writable connection."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "search_index" in tables:
            conn.execute(
                "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"
            )
        return None
    except sqlite3.DatabaseError as problem:
        return f"the search index is damaged ({problem})"
    finally:
        conn.close()


def backup(source: Path | str, dest: Path | str, *, overwrite: bool = False) -> Report:
    """A consistent, checked copy of ``source`` at ``dest``, taken while the app runs."""
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest} already exists. Choose a new name (or pass --overwrite).")
    if dest.resolve() == source.resolve():
        raise BackupError("The backup must go to a different file from the database.")
    if not dest.parent.is_dir():
        # A mistyped folder must not be made silently (issue #15).
        raise BackupError(f"The folder {dest.parent} does not exist. Create it first.")
    temporary = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    conn = connect(source, synchronous="FULL")
    try:
        conn.execute("VACUUM INTO ?", (str(temporary),))
    finally:
        conn.conn.close()
    try:
        _fsync(temporary)
        report = check(temporary, writable=True)
        if not report.ok:
            raise BackupError("The copy did not pass its check: " + "; ".join(report.problems))
        os.replace(temporary, dest)
        _fsync_dir(dest.parent)
    finally:
        temporary.unlink(missing_ok=True)
    report.path = dest
    return report


def restore(
    backup_path: Path | str,
    target: Path | str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Report, Path | None]:
    """Put a checked backup in place of ``target``; return the report and where the
    database as it was before has been kept (None if there was none). ``progress(done,
    total)`` hears of each step of the copy, in database pages."""
    backup_path, target = Path(backup_path), Path(target)
    report = check(backup_path)
    if not report.ok:
        raise BackupError(
            f"{backup_path} cannot be restored: "
            + "; ".join(report.problems)
            + ". Nothing was changed."
        )
    kept: Path | None = None
    if target.exists():
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        backup(target, kept, overwrite=True)
    source = _readonly(backup_path)
    destination = connect(target)
    try:
        source.backup(
            destination.conn,
            pages=256 if progress else -1,
            progress=(lambda _status, left, total: progress(total - left, total))
            if progress
            else None,
        )
    finally:
        source.close()
    try:
        migrate(destination)
        destination.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        destination.conn.close()
    after = check(target, writable=True)
    if not after.ok:
        raise BackupError(
            "The restored database did not pass its check: " + "; ".join(after.problems)
            + (f". The database as it was is kept at {kept}." if kept else "")
        )  # fmt: skip
    return after, kept


def _fts_check_copy(path: Path) -> str | None:
    """Check a backup's search index without writing to the backup itself."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "check.db"
        conn = _readonly(path)
        try:
            target = sqlite3.connect(str(copy))
            conn.backup(target)
            target.close()
        finally:
            conn.close()
        return _fts_check(copy)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
