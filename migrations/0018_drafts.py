"""Drafts that survive everything (issue #26).

A draft is one person's unsaved words for one page: private to them, kept while they
type and on every submit, and for 30 days at most. ``form`` is the address of the form
the words belong to (the text editor, or one block's form) and ``fields`` the form's
own values (JSON), so the person lands back in the same form with their words in it.

``ended_sessions`` remembers, for a while, which account a session belonged to after it
timed out: a form posted with that session's cookie still saves its words as that
person's draft (never as a change to the plan) until they sign in again.
"""


def migrate(db):
    columns = {c.name for c in db["drafts"].columns}
    if "form" not in columns:
        db.execute("ALTER TABLE drafts ADD COLUMN form TEXT NOT NULL DEFAULT ''")
    if "fields" not in columns:
        db.execute("ALTER TABLE drafts ADD COLUMN fields TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX IF NOT EXISTS drafts_saved ON drafts(saved_at)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS ended_sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            ended_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS ended_sessions_user ON ended_sessions(user_id)")
