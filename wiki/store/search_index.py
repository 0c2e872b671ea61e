"""The search index as the operator sees it (``planwiki check``, issue #15): how many rows
it should hold and does, and rebuilding it. Searching is ``wiki.store.search``."""

from __future__ import annotations

from wiki.db import Database


def index_health(db: Database) -> dict[str, int]:
    """Operator check: rows the index should have and has (``planwiki check``)."""
    expected_current = db.one("SELECT COUNT(*) AS n FROM pages WHERE revision > 0")
    expected_old = db.one(
        "SELECT COUNT(*) AS n FROM revisions r JOIN pages p ON p.id = r.page_id"
        " WHERE r.number < p.revision"
    )
    have = {
        r["kind"]: r["n"]
        for r in db.all("SELECT kind, COUNT(*) AS n FROM search_index GROUP BY kind")
    }
    health = {
        "pages": int(expected_current["n"]) if expected_current else 0,
        "indexed pages": int(have.get("page", 0)),
        "old revisions": int(expected_old["n"]) if expected_old else 0,
        "indexed old revisions": int(have.get("revision", 0)),
    }
    if _indexes_attachments(db):
        files = db.one("SELECT COUNT(*) AS n FROM attachments")
        health["attachments"] = int(files["n"]) if files else 0
        health["indexed attachments"] = int(have.get("attachment", 0))
    return health


def _indexes_attachments(db: Database) -> bool:
    return (
        db.one(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'search_attachment_added'"
        )
        is not None
    )


def index_in_step(health: dict[str, int]) -> bool:
    return (
        health["pages"] == health["indexed pages"]
        and health["old revisions"] == health["indexed old revisions"]
        and health.get("attachments", 0) == health.get("indexed attachments", 0)
    )


def rebuild_index(db: Database) -> None:
    """Operator repair: empty the index and build it again from the revisions and the
    attachments, with the migrations' own statements (``planwiki check --repair``)."""
    import importlib

    pages = importlib.import_module("migrations.0005_search")
    with db.write():
        db.execute("DELETE FROM search_index")
        for statement in pages.BACKFILL:
            db.execute(statement)
        if _indexes_attachments(db):
            db.execute(importlib.import_module("migrations.0007_search_attachments").INDEX)
        db.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
