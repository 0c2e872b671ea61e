"""Sharing in three steps and the easy-read log (issue #14): an invitation carries the
name the inviter gave ("Sami"), so pending invitations and confirmations speak in names,
never addresses; and a young person can ask for a weekly email of who has looked."""


def migrate(db):
    columns = {c.name for c in db["invitations"].columns}
    if "name" not in columns:
        db.execute("ALTER TABLE invitations ADD COLUMN name TEXT NOT NULL DEFAULT ''")
    db.execute(
        """CREATE TABLE IF NOT EXISTS log_digests (
            site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            last_sent_at TEXT,                    -- the end of the last week sent
            created_at TEXT NOT NULL,
            PRIMARY KEY (site_id, user_id)
        )"""
    )
