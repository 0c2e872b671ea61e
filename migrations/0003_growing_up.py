"""Record when a young person has reviewed who manages their plan (issue #3, growing up)."""


def migrate(db):
    db.execute(
        """
        CREATE TABLE control_reviews (
            site_id INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
            decided_at TEXT NOT NULL,
            decided_by INTEGER REFERENCES users(id)
        )
        """
    )
