"""The audit log: who viewed and who changed what (issue #3).

Changes are recorded inside the same transaction as the change itself. Views are
many and cheap to lose one of, so they are buffered in memory and written in one
transaction at most once a second (and at shutdown), instead of a write per view.
That write happens on a thread of its own: on a council's database (millions of audit
rows) a second's views took 20–100 ms to file, and on the event loop every page view
waited for it (issue #8, docs/performance.md). When a session or token was last used is
filed with the same batch, so a page view itself never writes.
"""

from __future__ import annotations

import logging

from wiki import clock
from wiki.db import Database
from wiki.models import Actor
from wiki.view_log import ViewLog, view_log

log = logging.getLogger("planwiki")


def record(
    db: Database,
    *,
    site_id: int,
    actor: Actor,
    action: str,
    section: str | None = None,
    page_id: int | None = None,
    detail: str = "",
) -> None:
    """Write one audit row now (call inside the change's own write transaction)."""
    db.execute(
        "INSERT INTO audit (site_id, at, user_id, guest_link_id, action, section, page_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            site_id,
            clock.iso(),
            actor.user_id,
            actor.guest_link_id,
            action,
            section,
            page_id,
            detail,
        ),
    )


# The view log lives in ``wiki.view_log`` (below the accounts and the store, issue #25);
# named here too, where the store's callers have always found it.
__all__ = ["ViewLog", "record", "view_log"]
