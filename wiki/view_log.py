"""The view log: page views, and the last use of each session and token, buffered in memory
and filed in batches (issue #8).

Views are many and cheap to lose one of, so they are written in one transaction at most
once a second (and at shutdown), on a thread of its own, instead of a write per view. Its
own module below both the accounts and the store (issue #25): the accounts note a session's
use here, and the store files views here, without either importing the other.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from wiki import clock
from wiki.db import Database
from wiki.models import Actor

log = logging.getLogger("planwiki")


class ViewLog:
    """Buffered page-view records and last uses of sessions and tokens, filed in batches."""

    def __init__(self, *, flush_seconds: float = 1.0, max_buffer: int = 500) -> None:
        self._rows: list[tuple[Any, ...]] = []
        # Sessions and tokens last seen, by id: written with the next batch, so a page
        # view never writes (nor waits for an fsync) on the event loop (issue #8).
        self._seen: dict[tuple[str, str | int], str] = {}
        # Uses taken out of ``_seen`` and being written: still counted meanwhile, or a
        # request arriving mid-write would find neither and end a live session.
        self._filing: dict[tuple[str, str | int], str] = {}
        self._lock = threading.Lock()
        self._last_flush = clock.now()
        self.flush_seconds = flush_seconds
        self.max_buffer = max_buffer
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None

    def add(
        self, db: Database, *, site_id: int, actor: Actor, section: str, page_id: int | None
    ) -> None:
        row = (
            site_id,
            clock.iso(),
            actor.user_id,
            actor.guest_link_id,
            "view",
            section,
            page_id,
            "",
        )
        with self._lock:
            self._rows.append(row)
            due = self._due()
        if due:
            self._flush_soon(db)

    def seen(self, db: Database, *, session: str | None = None, token: int | None = None) -> None:
        """Note that a session or token was used now; filed with the next batch."""
        at = clock.iso()
        with self._lock:
            if session is not None:
                self._seen["session", session] = at
            if token is not None:
                self._seen["token", token] = at
            due = self._due()
        if due:
            self._flush_soon(db)

    def last_seen(self, *, session: str) -> str | None:
        """A session's use not yet filed, so its idle time counts from it meanwhile."""
        with self._lock:
            key = ("session", session)
            return self._seen.get(key) or self._filing.get(key)

    def _due(self) -> bool:
        """Whether to file now (called holding the lock): one wake-up per batch."""
        due = (
            len(self._rows) + len(self._seen) >= self.max_buffer
            or (clock.now() - self._last_flush).total_seconds() >= self.flush_seconds
        )
        if due:
            self._last_flush = clock.now()
        return due

    def _flush_soon(self, db: Database) -> None:
        """Wake the writer thread (started on first use; one per buffer, so one connection)."""
        with self._lock:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._write_forever, args=(db,), name="planwiki-view-log", daemon=True
                )
                self._writer.start()
        self._wake.set()

    def _write_forever(self, db: Database) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                self.flush(db)
            except Exception:  # a full disk, say: keep serving; the next flush tries again
                log.exception("could not write the page-view log")

    def flush(self, db: Database) -> None:
        with self._lock:
            rows, self._rows = self._rows, []
            seen, self._seen = self._seen, {}
            self._filing.update(seen)
            self._last_flush = clock.now()
        if not rows and not seen:
            return
        try:
            self._write(db, rows, seen)
        finally:
            with self._lock:
                for key, at in seen.items():
                    if self._filing.get(key) == at:
                        del self._filing[key]

    def _write(
        self, db: Database, rows: list[tuple[Any, ...]], seen: dict[tuple[str, str | int], str]
    ) -> None:
        # One statement for the whole batch: SQLite then files it without taking Python's
        # lock back for every row, so the event loop thread is not kept waiting.
        with db.write():
            if rows:
                db.execute(
                    "INSERT INTO audit (site_id, at, user_id, guest_link_id, action, section, page_id, detail)"
                    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,"
                    " value ->> 6, value ->> 7 FROM json_each(?)",
                    (json.dumps(rows),),
                )
            for (kind, key), at in seen.items():
                # Never moves a time backwards; a session ended meanwhile matches no row.
                table, column = (
                    ("sessions", "last_seen_at")
                    if kind == "session"
                    else ("tokens", "last_used_at")
                )
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE id = ? AND ({column} IS NULL OR {column} < ?)",  # noqa: S608 - fixed names
                    (at, key, at),
                )


def view_log(db: Database) -> ViewLog:
    """The view buffer that belongs to this database handle."""
    log: ViewLog | None = getattr(db, "_view_log", None)
    if log is None:
        log = ViewLog()
        db._view_log = log  # type: ignore[attr-defined]
    return log
