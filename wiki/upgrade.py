"""Bringing a database up to this release's schema (issue #24): ``planwiki migrate`` and
``planwiki serve`` (once, before its workers start).

Under the migration lock: refuse a database made by a newer planwiki (one line, both
versions); on an existing database with pending steps, take a checked backup beside it
first (``<db>.before-migrate-<time>``, 0600) and say where; then apply the steps and note
this release in ``releases``. If the backup cannot be taken (a full disk), nothing is
migrated. A fresh database has nothing to lose and gets no backup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wiki import backup, clock, versions
from wiki.db import Database, migrate, migration_lock
from wiki.settings import Settings

BEFORE_MIGRATE = ".before-migrate-"


@dataclass(frozen=True)
class Upgraded:
    applied: list[str]
    kept: Path | None  # the checked backup taken first, if any


def safety_copy_name(db_path: Path) -> Path:
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return db_path.with_name(f"{db_path.name}{BEFORE_MIGRATE}{stamp}")


def upgrade(settings: Settings, *, say: Callable[[str], None] = lambda _m: None) -> Upgraded:
    db = Database(
        settings.db, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms
    )
    try:
        with migration_lock(settings.db):
            found = versions.check_usable(settings.db, db.db.conn, allow_behind=True)
            kept: Path | None = None
            if found.pending and not found.fresh:
                kept = safety_copy_name(settings.db)
                try:
                    backup.backup(settings.db, kept, overwrite=True)
                except backup.BackupError as problem:
                    raise versions.Refused(
                        f"No schema step was applied: the backup to take first failed ({problem})"
                    ) from None
                say(
                    f"Backed up {settings.db} to {kept} before migrating"
                    f" (schema {found.schema} to {versions.schema()})."
                )
            applied = migrate(db.db)
            versions.record_release(db)
    finally:
        db.close()
    return Upgraded(applied, kept)
