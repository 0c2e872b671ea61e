"""Reading preferences belong to the person, not the plan (issue #16): theme, text size,
easy read and read aloud, kept as one small JSON object on the account. ``NULL`` means
"nothing chosen": the plan's own look."""


def migrate(db):
    columns = {c.name for c in db["users"].columns}
    if "preferences" not in columns:
        db.execute("ALTER TABLE users ADD COLUMN preferences TEXT")
