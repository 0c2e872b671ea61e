"""A plan that changes hands honestly (issue #23): an offer of a plan can be declined
("No thanks"), and a cancelled or replaced invitation link says so instead of "check you
copied all of it".

``plan_offers.declined_at`` is when the young person said no thanks. ``ended_invitations``
keeps the digest of an invitation link that was cancelled or replaced by a newer one (the
invitation row itself goes, as before), so the link can say what happened to it.

Append-only: never edit a step once released; add a new numbered file instead.
"""


def migrate(db):
    columns = {c.name for c in db["plan_offers"].columns}
    if "declined_at" not in columns:
        db.execute("ALTER TABLE plan_offers ADD COLUMN declined_at TEXT")
    db.execute(
        """CREATE TABLE IF NOT EXISTS ended_invitations (
            token_hash TEXT PRIMARY KEY,
            site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
            reason TEXT NOT NULL CHECK (reason IN ('cancelled', 'replaced')),
            ended_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS ended_invitations_site ON ended_invitations(site_id)")
