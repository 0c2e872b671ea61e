"""Find a person's own sites without scanning every site (issue #3, #8)."""


def migrate(db):
    db.execute("CREATE INDEX IF NOT EXISTS sites_owner ON sites(owner_id)")
