"""Which planwiki this is, and whether it may use a database (issue #24).

A release is a version (``wiki.__version__``, the one place it is written) and the schema
it needs: the number of its last schema step (``migrations/NNNN_*.py``). A database is

- **current** when every step this planwiki knows is applied and none it does not know;
- **behind** when steps are pending: only ``planwiki migrate`` and ``serve`` may touch
  it (both take a checked backup first, ``wiki/upgrade.py``); every other command says
  "run planwiki migrate" and changes nothing;
- **newer** when it holds steps this planwiki does not know, or a release with a higher
  schema ran on it: every command, ``serve`` too, refuses it in one line naming both
  versions, and ``/healthz`` answers 503. An older planwiki writing to it could lose or
  damage what the newer one wrote.

``releases`` (schema step 0015) records each version that migrated or served a database,
so a refusal can name the version that made it.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from wiki import __version__, clock
from wiki.db import MIGRATION_SET, Database, core_migrations

VERSION = __version__


class Refused(Exception):
    """This planwiki may not use that database; the message says why and what to do."""


@functools.cache
def known_steps() -> tuple[str, ...]:
    return tuple(m.name for m in core_migrations()._migrations)


def step_number(name: str) -> int:
    return int(name[:4]) if name[:4].isdigit() else 0


@functools.cache
def schema() -> int:
    """The schema this release needs: the number of its last step."""
    return step_number(known_steps()[-1])


def describe() -> str:
    """``planwiki 0.2.0 (schema 16)``."""
    return f"planwiki {VERSION} (schema {schema()})"


@dataclass(frozen=True)
class Standing:
    """Where one database stands against this planwiki."""

    schema: int  # the number of the last step it has (0: none)
    pending: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # steps from a newer planwiki
    made_by: str | None = None  # the release with the highest schema that ran on it
    made_schema: int | None = None
    fresh: bool = False  # no planwiki tables yet

    @property
    def newer(self) -> bool:
        return bool(self.unknown) or (self.made_schema or 0) > schema()

    @property
    def behind(self) -> bool:
        return bool(self.pending) and not self.newer


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def standing(conn: sqlite3.Connection) -> Standing:
    """Read only. Raises ``sqlite3.DatabaseError`` for a file that is not a database."""
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name IN ('_sqlite_migrations', 'releases')"
        )
    }
    known = known_steps()
    if "_sqlite_migrations" not in tables:
        return Standing(0, pending=list(known), fresh=True)
    applied = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
        )
    }
    made_by: str | None = None
    made_schema: int | None = None
    if "releases" in tables:
        rows = conn.execute("SELECT version, schema FROM releases").fetchall()
        if rows:
            made_by, made_schema = max(
                ((str(r[0]), int(r[1])) for r in rows),
                key=lambda r: (r[1], _version_key(r[0])),
            )
    unknown = sorted(applied - set(known))
    have = max((step_number(n) for n in applied), default=0)
    return Standing(
        schema=have,
        pending=[n for n in known if n not in applied],
        unknown=unknown,
        made_by=made_by,
        made_schema=made_schema,
        fresh=not applied,
    )


def newer_message(path: Path | str, found: Standing) -> str:
    return f"{path} was made by {made_by(found)}"


def made_by(found: Standing) -> str:
    """``planwiki 0.3.0 (schema 17); this is planwiki 0.2.0 (schema 16). Install …``"""
    their_schema = max([found.made_schema or 0, *(step_number(n) for n in found.unknown)])
    made = f"planwiki {found.made_by}" if found.made_by else "a newer planwiki"
    upgrade = f"planwiki {found.made_by} or later" if found.made_by else "the newer planwiki"
    return (
        f"{made} (schema {their_schema}); this is {describe()}."
        f" Install {upgrade}, or restore a backup taken before the upgrade."
    )


def behind_message(path: Path | str, found: Standing) -> str:
    n = len(found.pending)
    return (
        f"{path} needs {n} schema step{'s' if n != 1 else ''} (schema {found.schema} to"
        f" {schema()}) before {describe()} can use it: run planwiki migrate"
        " (it takes a backup first)."
    )


def check_usable(
    path: Path | str, conn: sqlite3.Connection, *, allow_behind: bool = False
) -> Standing:
    """Raise ``Refused`` for a newer database, and for one that is behind unless allowed."""
    found = standing(conn)
    if found.newer:
        raise Refused(newer_message(path, found))
    if found.pending and not allow_behind:
        raise Refused(behind_message(path, found))
    return found


def record_release(db: Database) -> None:
    """Note that this release ran on the database (once per version)."""
    with db.write():
        record_release_on(db.db)


def record_release_on(conn: sqlite_utils.Database) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO releases (version, schema, first_run_at) VALUES (?, ?, ?)",
        (VERSION, schema(), clock.iso()),
    )
