"""Indexes for the columns added by 0009 (plans made for someone) and 0010 (the weekly
digest) that point at a person: deleting an account finds their rows without reading the
whole table inside the write transaction (issue #15; tests/test_replication.py checks
every reference column is found by an index)."""

INDEXES = [
    ("plan_offers_accepted_by", "plan_offers", "accepted_by"),
    ("plan_offers_created_by", "plan_offers", "created_by"),
    ("log_digests_user", "log_digests", "user_id"),
]


def migrate(db):
    tables = set(db.table_names())
    for name, table, columns in INDEXES:
        if table in tables:
            db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table}({columns})")
