"""A plan home about the person (issue #16): the young person's own one-line introduction
and a chosen photo on the site, and who has put away the welcome on which plan.

The photo is one of the plan's own attachments (``attachments.id``); it is shown only to
readers who may see the page it belongs to, and it goes when the attachment goes.
"""


def migrate(db):
    columns = {c.name for c in db["sites"].columns}
    if "intro" not in columns:
        db.execute("ALTER TABLE sites ADD COLUMN intro TEXT NOT NULL DEFAULT ''")
    if "photo_id" not in columns:
        db.execute(
            "ALTER TABLE sites ADD COLUMN photo_id INTEGER"
            " REFERENCES attachments(id) ON DELETE SET NULL"
        )
    db.execute("CREATE INDEX IF NOT EXISTS sites_photo ON sites(photo_id)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS welcome_seen (
            site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            dismissed_at TEXT NOT NULL,
            PRIMARY KEY (site_id, user_id)
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS welcome_seen_user ON welcome_seen(user_id)")
