"""A plan made for someone (issue #14): the young person may not have an account yet.

``sites.owner_id`` may now be empty: a parent or worker makes the plan *for* the young
person and runs it as a steward until the young person accepts the emailed offer to own
it (``sites.pending_owner`` holds that address meanwhile). ``sites.person_name`` is the
young person's name, shown as theirs everywhere even before they have an account.

``plan_offers`` are offers of a plan to a person — made for them, or handed over by its
owner — single use and kept only as SHA-256 digests, like invitations.
``reminders_sent`` makes each growing-up reminder email go once.

Dropping NOT NULL means rebuilding ``sites`` (sqlite-utils ``transform``), which must run
with foreign keys switched off, outside a transaction: otherwise dropping the old table
would cascade into every section and page. So this step is not transactional; the
rebuild itself is atomic, and the rest runs in one transaction of its own.

Append-only: never edit a step once released; add a new numbered file instead.
"""

TRANSACTIONAL = False

SCHEMA = """
CREATE TABLE IF NOT EXISTS plan_offers (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL CHECK (kind IN ('made-for', 'hand-over')),
    keep TEXT NOT NULL DEFAULT 'manage' CHECK (keep IN ('manage', 'edit', 'none')),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    withdrawn_at TEXT
);
CREATE INDEX IF NOT EXISTS plan_offers_site ON plan_offers(site_id);
CREATE TABLE IF NOT EXISTS reminders_sent (
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    due_on TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (site_id, kind, due_on)
)
"""


def migrate(db):
    sites = db["sites"]
    if not any(c.name == "owner_id" and not c.notnull for c in _columns(db)):
        sites.transform(not_null={"owner_id": False})
    with db.atomic():
        names = {c.name for c in _columns(db)}
        if "person_name" not in names:
            db.execute("ALTER TABLE sites ADD COLUMN person_name TEXT NOT NULL DEFAULT ''")
            db.execute(
                "UPDATE sites SET person_name ="
                " COALESCE((SELECT name FROM users WHERE users.id = sites.owner_id), '')"
            )
        if "pending_owner" not in names:
            db.execute("ALTER TABLE sites ADD COLUMN pending_owner TEXT COLLATE NOCASE")
        for statement in SCHEMA.split(";\n"):
            if statement.strip():
                db.execute(statement)
        db.execute("CREATE INDEX IF NOT EXISTS sites_owner ON sites(owner_id)")


def _columns(db):
    class Column:
        def __init__(self, row):
            self.name, self.notnull = row[1], bool(row[3])

    return [Column(r) for r in db.execute("PRAGMA table_info(sites)").fetchall()]
