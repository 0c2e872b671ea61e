"""Is this planwiki able to serve (issue #15, ``GET /healthz``)? The database can be read,
its schema is current (not behind, and not made by a newer planwiki: issue #24), the disk
beside it has room. Answers in plain words and never names a path or an exception (it is
open to anyone)."""

from __future__ import annotations

import shutil
import sqlite3
import time

from wiki import versions
from wiki.db import Database
from wiki.settings import Settings
from wiki.store import files_check

FILES_EVERY_S = 15.0  # a load balancer may ask every second; the files are looked at less
_files_seen: dict[tuple[str, str], tuple[float, int]] = {}


def _missing_files(db: Database, settings: Settings) -> int:
    """How many attachments' files are not there (issue #24), looked at every
    ``FILES_EVERY_S`` seconds at most."""
    key = (str(settings.db), str(settings.files_path()))
    seen = _files_seen.get(key)
    if seen is not None and time.monotonic() - seen[0] < FILES_EVERY_S:
        return seen[1]
    try:
        missing = len(files_check.check_files(db, settings.files_path(), sizes=False).missing)
    except (OSError, sqlite3.Error):
        missing = 0  # the database check says what is wrong
    _files_seen[key] = (time.monotonic(), missing)
    return missing


def health_problems(db: Database, settings: Settings) -> dict[str, str]:
    """Each check with "ok" or what is wrong, in plain words."""
    checks: dict[str, str] = {}
    try:
        found = versions.standing(db.db.conn)
        checks["database"] = "ok"
        if found.newer:
            checks["schema"] = "the database was made by " + versions.made_by(found)
        elif found.pending:
            checks["schema"] = (
                f"{len(found.pending)} schema steps not applied (run planwiki migrate)"
            )
        else:
            checks["schema"] = "ok"
    except sqlite3.Error:
        checks["database"] = "the database cannot be read"
        checks["schema"] = "unknown"
    if checks["database"] == "ok":
        missing = _missing_files(db, settings)
        checks["files"] = (
            "ok"
            if not missing
            else f"{missing} photo, recording or document files are missing (run planwiki check)"
        )
    try:
        free_mb = shutil.disk_usage(settings.db.resolve().parent).free // (1024 * 1024)
        checks["disk"] = (
            "ok"
            if free_mb >= settings.min_free_disk_mb
            else f"less than {settings.min_free_disk_mb} MB free beside the database"
        )
    except OSError:
        checks["disk"] = "the database folder cannot be examined"
    return checks
