"""Count a guest link's views, and clear them when a link is removed, without reading
every audit row: the sharing page did this once per link (issue #8, found by the council
benchmark: 40–150 ms on a site with links at 1,000 sites)."""


def migrate(db):
    db.execute(
        "CREATE INDEX IF NOT EXISTS audit_guest_link ON audit(guest_link_id, action)"
        " WHERE guest_link_id IS NOT NULL"
    )
    db.execute("CREATE INDEX IF NOT EXISTS guest_links_site ON guest_links(site_id)")
