"""Rate limits on signing in: failed passwords and emails sent, counted per key (an
address, a client) inside a window (issue #4, #13).
"""

from __future__ import annotations

import math
from datetime import timedelta

from wiki import clock
from wiki.db import Database
from wiki.errors import SlowDown


def check_rate(db: Database, keys: list[str], *, limit: int, window_minutes: int = 15) -> None:
    """Raise SlowDown when any key has had ``limit`` failures inside the window."""
    since = clock.iso(clock.now() - timedelta(minutes=window_minutes))
    for key in keys:
        row = db.one(
            "SELECT COUNT(*) AS n, MIN(at) AS first FROM login_attempts WHERE key = ? AND at > ?",
            (key, since),
        )
        if row and row["n"] >= limit:
            first = clock.now().fromisoformat(row["first"])
            remaining = (first + timedelta(minutes=window_minutes) - clock.now()).total_seconds()
            wait = max(1, math.ceil(remaining / 60))
            raise SlowDown(
                f"Too many tries. Please wait {wait} minute{'s' if wait != 1 else ''}"
                " and try again.",
                retry_after=wait * 60,
            )


def note_attempt(db: Database, keys: list[str]) -> None:
    """Count one use against each key (an email sent, a failed password)."""
    note_failure(db, keys)


def note_failure(db: Database, keys: list[str]) -> None:
    with db.write():
        for key in keys:
            db.execute("INSERT INTO login_attempts (key, at) VALUES (?, ?)", (key, clock.iso()))


def clear_failures(db: Database, keys: list[str]) -> None:
    with db.write():
        for key in keys:
            db.execute("DELETE FROM login_attempts WHERE key = ?", (key,))
