"""Restores that cannot hurt (issue #24): ``planwiki restore PATH [--force]``.

1. Refuse a backup that is the database itself, and a database a running server is using
   (``wiki.db.in_use_by_a_server``) unless ``--force``: restoring under a live server rolls
   back every save since the backup while people are writing.
2. Check there is room, then unpack into scratch space **beside the target** (never
   ``$TMPDIR``, often a small RAM disk): ``.<db>.restore-<pid>/`` for the database and
   ``.<files>.restore-<pid>/`` beside the files folder, on the same disk, so that putting
   them in place is a rename. Every file is checked against the backup's manifest; the
   database is checked, and brought to this release's schema if it is older (a newer one
   is refused, naming both versions).
3. Only then: keep the database as it was (``<db>.before-restore-<time>``, a checked
   copy) and the files folder as it was (renamed to ``<files>.before-restore-<time>``),
   put the files in place (a rename) and the database (a new target: a rename; an
   existing one: SQLite's online backup API, one transaction, so a failure half-way leaves
   it as it was and a server with it open sees the restored data on its next read).

On any failure the target and its files are as they were and no scratch file remains.
A backup made before 0.2.0 is a bare database: it is restored, and the files folder is
left alone (the command says so). ``planwiki purge`` removes the ``before-restore`` copies
after the grace period (``wiki.safety_copies``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wiki import backup, backup_set, clock, versions
from wiki.backup import BackupError, Report
from wiki.db import connect, in_use_by_a_server, migrate

BEFORE_RESTORE = ".before-restore-"


@dataclass
class Restored:
    report: Report
    kept_db: Path | None  # the database as it was
    kept_files: Path | None  # the files folder as it was
    files: int | None  # files put back; None: the backup held none (made before 0.2.0)


def restore(
    source: Path,
    target: Path,
    files_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Restored:
    source, target, files_dir = Path(source), Path(target), Path(files_dir)
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}. Nothing was changed.")
    if source.resolve() in {Path(f"{target}{s}").resolve() for s in ("", "-wal", "-shm")}:
        raise BackupError(f"{source} is the database itself: name a backup to restore from.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    if target.exists() and in_use_by_a_server(target) and not force:
        raise BackupError(
            f"A planwiki server is using {target}: stop it first (systemctl stop planwiki),"
            " or pass --force to restore under it. Nothing was changed."
        )
    pid = os.getpid()
    scratch = target.with_name(f".{target.name}.restore-{pid}")
    new_files = files_dir.with_name(f".{files_dir.name}.restore-{pid}")
    is_set = backup_set.is_backup_set(source)
    _room(source, target, files_dir, is_set)
    kept_db: Path | None = None
    kept_files: Path | None = None
    try:
        scratch.mkdir(mode=0o700)
        fresh = scratch / backup_set.DATABASE
        count: int | None = None
        try:
            if is_set:
                with tarfile.open(source) as tar:
                    found = backup_set.extract(tar, source, fresh, new_files)
                count = len(found.get("files", []))
            else:
                _copy_database(source, fresh)
            _ready(fresh, source)
        except OSError as problem:
            raise BackupError(_no_room(scratch, problem)) from None
        except (BackupError, tarfile.TarError) as problem:
            text = str(problem)
            if "Nothing was changed" not in text:
                text = f"{text.rstrip('.')}. Nothing was changed."
            raise BackupError(text) from None
        stamp = _unused_stamp(target, files_dir)
        if target.exists():
            kept_db = target.with_name(f"{target.name}{BEFORE_RESTORE}{stamp}")
            backup.backup(target, kept_db)
        if count is not None and files_dir.exists():
            kept_files = files_dir.with_name(f"{files_dir.name}{BEFORE_RESTORE}{stamp}")
            os.rename(files_dir, kept_files)
        try:
            if count is not None:
                os.rename(new_files, files_dir)
            _put_database(fresh, target, progress)
        except BaseException as problem:
            if count is not None and files_dir.exists() and kept_files is not None:
                os.rename(files_dir, new_files)  # the restored files out of the way ...
            if kept_files is not None:
                os.rename(kept_files, files_dir)  # ... and the files as they were back
                kept_files = None
            if isinstance(problem, OSError | sqlite3.Error):
                raise BackupError(
                    f"Could not write {target} ({problem}): it is as it was. Nothing was changed."
                ) from None
            raise
    except BaseException:
        if kept_db is not None:
            kept_db.unlink(missing_ok=True)  # nothing changed: no copy to keep
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(new_files, ignore_errors=True)
    after = backup.check(target, writable=True)
    return Restored(after, kept_db, kept_files, count)


def _unused_stamp(target: Path, files_dir: Path) -> str:
    """The time, with ``.2``, ``.3`` … when a restore in the same second kept copies already
    (renaming the files folder onto an earlier copy would fail half-way)."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    n, chosen = 1, stamp
    while any(
        p.with_name(f"{p.name}{BEFORE_RESTORE}{chosen}").exists() for p in (target, files_dir)
    ):
        n += 1
        chosen = f"{stamp}.{n}"
    return chosen


def _room(source: Path, target: Path, files_dir: Path, is_set: bool) -> None:
    """Refuse at once when the unpacked backup and a copy of the current database cannot
    fit beside the target (the same disk, unless the files folder is elsewhere)."""
    try:
        need = backup_set.needs_bytes(source) if is_set else source.stat().st_size
    except (OSError, tarfile.TarError):
        return  # the check that follows says what is wrong with it
    if target.exists():
        need += target.stat().st_size
    free = shutil.disk_usage(target.parent).free
    if need > free:
        mb = 1024 * 1024
        raise BackupError(
            f"There is not enough room in {target.parent} to restore {source}: it needs about"
            f" {need // mb + 1:,} MB and {free // mb:,} MB are free. Nothing was changed."
        )


def _no_room(scratch: Path, problem: OSError) -> str:
    reason = problem.strerror or str(problem)
    return f"Could not unpack the backup in {scratch.parent} ({reason}). Nothing was changed."


def _copy_database(source: Path, into: Path) -> None:
    """A bare database (a backup made before 0.2.0), copied to be checked (``_ready``)."""
    with source.open("rb") as handle:
        if handle.read(16) != backup.SQLITE_HEADER:
            raise BackupError(
                f"{source} cannot be restored: it is not an SQLite database or a planwiki"
                " backup. Nothing was changed."
            )
    conn = backup._readonly(source)
    try:
        out = sqlite3.connect(str(into))
        try:
            conn.backup(out)
        finally:
            out.close()
    finally:
        conn.close()


def _ready(fresh: Path, source: Path) -> None:
    """The unpacked database checked, and brought to this release's schema."""
    report = backup.check(fresh, writable=True)
    if not report.ok:
        problems = "; ".join(p.replace(str(fresh), str(source)) for p in report.problems)
        raise BackupError(f"{source} cannot be restored: {problems}. Nothing was changed.")
    conn = connect(fresh)
    try:
        versions.check_usable(source, conn.conn, allow_behind=True)
        migrate(conn)
        versions.record_release_on(conn)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except versions.Refused as refused:
        raise BackupError(f"{refused} Nothing was changed.") from None
    finally:
        conn.conn.close()


def _put_database(fresh: Path, target: Path, progress: Callable[[int, int], None] | None) -> None:
    if not target.exists():
        os.replace(fresh, target)
        return
    source = backup._readonly(fresh)
    destination = connect(target)
    try:
        source.backup(
            destination.conn,
            pages=256 if progress else -1,
            progress=(lambda _s, left, total: progress(total - left, total)) if progress else None,
        )
        destination.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        source.close()
        destination.conn.close()
