"""Which planwiki releases have run on this database, and what the operator did at the
command line (issue #24).

``releases`` lets a planwiki name the version that made a database newer than itself (one
line, both versions) instead of guessing from schema steps it does not know. ``operator_log``
records the administration commands (``site list|restore|erase``, ``outbox --resend``):
the plans' own logs go with a plan that is erased, this one stays. ``attachments.sha256``
lets ``planwiki check`` tell a damaged photo from a good one (older rows get theirs from
``planwiki check --repair``).
"""


def migrate(db):
    db.execute(
        """CREATE TABLE IF NOT EXISTS releases (
            version TEXT PRIMARY KEY,             -- e.g. 0.2.0
            schema INTEGER NOT NULL,              -- the number of its last schema step
            first_run_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS operator_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            command TEXT NOT NULL,                -- e.g. site erase
            detail TEXT NOT NULL DEFAULT '',
            version TEXT NOT NULL                 -- the planwiki that ran it
        )"""
    )
    if "sha256" not in {c.name for c in db["attachments"].columns}:
        db.execute("ALTER TABLE attachments ADD COLUMN sha256 TEXT")
