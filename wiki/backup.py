"""Database copies that are safe to take while the app runs, and the check (issue #7).

* ``backup(source, dest)``: ``VACUUM INTO`` a temporary file (0600) beside ``dest`` — one
  read transaction, so the copy is a consistent snapshot however many writers are busy
  (WAL lets them carry on) — then ``PRAGMA integrity_check`` and the search index's own
  check on the copy, and only then the rename into place. Never a copy of the live file.
  On a failure (a full disk) nothing is left behind and the message names ``dest``
  (issue #24). ``planwiki backup`` adds the files folder: ``wiki/backup_set.py``.
* ``check(path)``: integrity, foreign keys, the search index, and counts.

Restoring is ``wiki/restore.py``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from wiki import versions
from wiki.db import connect

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
            found = versions.standing(conn)
            if found.newer:
                report.problems.append(f"it was made by {versions.made_by(found)}")
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
    """A consistent, checked copy of the database ``source`` at ``dest``, taken while the
    app runs; readable by its owner only (0600). On any failure (a full disk) nothing is
    left behind and the message names the file that could not be written (issue #24)."""
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
    remove_database_files(temporary)
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        snapshot(source, temporary)
        _fsync(temporary)
        report = check(temporary, writable=True)
        if not report.ok:
            raise BackupError("The copy did not pass its check: " + "; ".join(report.problems))
        os.replace(temporary, dest)
        _fsync_dir(dest.parent)
    except OSError as problem:
        raise BackupError(cannot_write(dest, problem)) from None
    finally:
        remove_database_files(temporary)
    report.path = dest
    return report


def snapshot(source: Path, into: Path) -> None:
    """``VACUUM INTO`` an empty file: one read transaction, so one consistent moment."""
    conn = connect(source, synchronous="FULL")
    try:
        conn.execute("VACUUM INTO ?", (str(into),))
    except sqlite3.DatabaseError as problem:
        if _about_the_destination(problem):
            raise OSError(str(problem)) from None
        raise BackupError(f"{source} is not a usable database ({problem}).") from None
    finally:
        conn.conn.close()


def _about_the_destination(problem: sqlite3.Error) -> bool:
    """A full disk, a write error or a file that cannot be made: the copy's fault, not the
    database's (it was named as unusable when the disk was full: issue #24)."""
    text = str(problem).lower()
    return any(w in text for w in ("full", "i/o", "unable to open", "readonly", "read-only"))


def cannot_write(path: Path, problem: BaseException) -> str:
    """``Could not write /backups/x.tar: no space left (12 MB free in /backups). Nothing
    was left behind.``"""
    reason = getattr(problem, "strerror", None) or str(problem)
    try:
        free = shutil.disk_usage(path.parent).free // (1024 * 1024)
        room = f" ({free:,} MB free in {path.parent})"
    except OSError:
        room = ""
    return f"Could not write {path}: {reason}{room}. Nothing was left behind."


def remove_database_files(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fts_check_copy(path: Path) -> str | None:
    """Check a backup's search index without writing to the backup itself."""
    import tempfile

    # Beside the backup, not in $TMPDIR (often a small RAM disk: issue #24).
    try:
        scratch = tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.check-")
    except OSError:
        scratch = tempfile.TemporaryDirectory()
    with scratch as folder:
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
