"""Opening the SQLite file, running numbered migrations, and write transactions.

One connection per thread (sqlite3 objects must not be shared across threads that
write at once). Connections are in driver autocommit mode so that every write can
start with ``BEGIN IMMEDIATE``: a busy database then waits ``busy_timeout`` for the
write lock instead of failing half-way through a read-then-write transaction.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import pkgutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

import migrations as migrations_package

MIGRATION_SET = "planwiki"


def connect(
    path: Path | str, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000
) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    _use_wal(conn, deadline=time.monotonic() + busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA synchronous = {'FULL' if synchronous == 'FULL' else 'NORMAL'}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.row_factory = sqlite3.Row
    return sqlite_utils.Database(conn)


def _use_wal(conn: sqlite3.Connection, *, deadline: float) -> None:
    """Switch to WAL, waiting while another process does the same to a fresh file.

    SQLite does not call the busy handler here: the switch reads the file under a shared
    lock and then needs it alone, and waiting while holding the shared lock could deadlock,
    so a second process gets "database is locked" at once (issue #15: one of four workers
    migrating a fresh database failed in CI). Try again until the busy timeout is spent."""
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def core_migrations() -> Migrations:
    """The core's numbered steps: every module ``migrations/NNNN_name.py`` with ``migrate(db)``."""
    found = sorted(
        m.name for m in pkgutil.iter_modules(migrations_package.__path__) if m.name[:4].isdigit()
    )
    steps = Migrations(MIGRATION_SET)
    for name in found:
        module = importlib.import_module(f"migrations.{name}")
        # A step that must run outside a transaction (rebuilding a table with foreign
        # keys off) says so with ``TRANSACTIONAL = False`` (issue #14).
        steps(name=name, transactional=getattr(module, "TRANSACTIONAL", True))(module.migrate)
    return steps


def database_file(db: sqlite_utils.Database) -> str:
    """The file behind a connection ("" for an in-memory or temporary database)."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return str(row[2] or "") if row else ""


class MigrationLockTimeout(RuntimeError):
    """Another process held the migration lock for longer than we were willing to wait."""


_held: dict[str, tuple[int, int]] = {}  # lock file -> (descriptor, depth), in this process
_held_guard = threading.RLock()


@contextlib.contextmanager
def migration_lock(path: Path | str, *, timeout: float = 600.0) -> Iterator[None]:
    """Only one process at a time migrates one database file, or does the start-up work
    (issue #15: four workers started at once on a fresh database crashed with
    ``UNIQUE constraint failed: _sqlite_migrations``). An ``flock`` on ``<db>.migrate-lock``
    beside the database, not on the database itself: closing any descriptor of the database
    file would drop the locks SQLite holds on it. Re-entrant within a process; the kernel
    lets go of it when a process dies, so a crash never leaves it held."""
    name = str(path)
    if name in ("", ":memory:"):
        yield
        return
    lock_path = os.path.abspath(name) + ".migrate-lock"
    with _held_guard:
        if lock_path in _held:
            fd, depth = _held[lock_path]
            _held[lock_path] = (fd, depth + 1)
            try:
                yield
            finally:
                _held[lock_path] = (fd, depth)
            return
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise MigrationLockTimeout(
                            f"another process has been migrating {name} for over {timeout:.0f} s"
                        ) from None
                    time.sleep(0.05)
            _held[lock_path] = (fd, 1)
            try:
                yield
            finally:
                del _held[lock_path]
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


_serving: dict[str, int] = {}  # lock file -> descriptor, held for the life of this process


def serving_lock_path(path: Path | str) -> str:
    return os.path.abspath(str(path)) + ".serve-lock"


def hold_serving_lock(path: Path | str) -> None:
    """Say, for as long as this process lives, that a server is using this database
    (issue #24): a shared ``flock`` on ``<db>.serve-lock`` that ``planwiki serve``, its
    workers and ``main:app`` take. The kernel drops it when the process ends, even by
    kill -9, so it is never left behind. ``restore`` asks ``in_use_by_a_server``."""
    name = serving_lock_path(path)
    with _held_guard:
        if name in _serving:
            return
        fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        _serving[name] = fd


def in_use_by_a_server(path: Path | str) -> bool:
    """Does a running server hold this database's serving lock?"""
    name = serving_lock_path(path)
    if name in _serving:
        return True
    try:
        fd = os.open(name, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # (closing drops the lock we may have taken)
    return False


def migrate(db: sqlite_utils.Database, *, extra: list[Migrations] | None = None) -> list[str]:
    """Apply pending steps (core first, then plugins' own sets); return the names applied.

    Safe when several processes start at once: the steps run under ``migration_lock`` and
    are looked for again once it is held, so each is applied exactly once (issue #15)."""
    sets = [core_migrations(), *(extra or [])]
    if not any(steps.pending(db) for steps in sets):
        return []  # the usual case: nothing to do, no lock file touched
    applied: list[str] = []
    with migration_lock(database_file(db)):
        for steps in sets:
            pending = [m.name for m in steps.pending(db)]
            steps.apply(db)
            applied += [f"{steps.name}:{n}" for n in pending]
    return applied


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    """The core steps this database still lacks (read only: for the health check)."""
    return [m.name for m in core_migrations().pending(db)]


@dataclass
class Extensions:
    """What plugins add to the data layer: block types used when a revision is rendered,
    and listeners told (after commit, with no page text) that a revision was saved."""

    blocks: dict[str, Any] = field(default_factory=dict)
    on_saved: list[Callable[..., None]] = field(default_factory=list)
    # The app's rule book (``wiki.access.RuleBook``): the store decides with it (issue #25).
    rules: Any = None
    # Section addresses the app's plugins use for their own pages (issue #25).
    reserved: frozenset[str] = frozenset()


class Database:
    """The app's handle on its SQLite file: a connection per thread, and write transactions."""

    def __init__(
        self, path: Path | str, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000
    ) -> None:
        self.extensions = Extensions()
        self.path = Path(path)
        self._synchronous = synchronous
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        # Writers in this process queue here rather than in SQLite's busy handler, which
        # sleeps in growing steps (up to 100 ms) and so makes save times jump (issue #8).
        self._writing = threading.Lock()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect(
                self.path, synchronous=self._synchronous, busy_timeout_ms=self._busy_timeout_ms
            )
            self._local.db = db
        return db

    def execute(
        self, sql: str, params: tuple[Any, ...] | list[Any] | dict[str, Any] = ()
    ) -> sqlite3.Cursor:
        return self.db.conn.execute(sql, params)

    def one(
        self, sql: str, params: tuple[Any, ...] | list[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.conn.execute(sql, params).fetchone()
        return row

    def all(
        self, sql: str, params: tuple[Any, ...] | list[Any] | dict[str, Any] = ()
    ) -> list[sqlite3.Row]:
        return self.db.conn.execute(sql, params).fetchall()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction that takes the lock first (``BEGIN IMMEDIATE``)."""
        db = self.db
        if db.conn.in_transaction:  # nested: sqlite-utils turns it into a savepoint
            with db.atomic():
                yield db
            return
        with self._writing:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
            else:
                db.conn.execute("COMMIT")

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None
