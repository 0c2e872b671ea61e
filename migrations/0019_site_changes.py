"""A change counter on every plan (issue #21): ``sites.changes`` goes up with every change
to the plan or to anything of it that a page shows: its own row, sections, pages, files,
the circle, grants, guest links, invitations, offers, the welcome and the growing-up
choices. Rendered pages are kept by this number (``wiki/routes/kept.py``), and every
worker reads it with the site on every request, so a change made through one worker is
seen by all of them on their next request, and no kept page outlives the change.

Triggers rather than code: no route, plugin, import or command-line path can change a
plan without moving its number. A name or an account closed moves every plan the person
belongs to (their name is shown beside what they wrote); a draft moves its page's plan. The audit log and the view log
(written by every page view) and the weekly digests' bookkeeping do not move it;
``tests/test_kept_pages.py`` holds every table with a ``site_id`` to one list or the other.
"""

# Tables whose rows belong to one plan and change what its pages show.
COUNTED = (
    "attachments",
    "circle_groups",
    "control_reviews",
    "deletions",
    "ended_invitations",
    "grants",
    "guest_links",
    "invitations",
    "member_groups",
    "members",
    "pages",
    "plan_offers",
    "reminders_sent",
    "sections",
    "welcome_seen",
)
# Tables with a site_id that pages do not show (logs written by reading, and bookkeeping).
NOT_COUNTED = ("audit", "log_digests", "search_index")

_BUMP = "UPDATE sites SET changes = changes + 1 WHERE id = {row}.site_id;"
_DRAFT_BUMP = (
    "UPDATE sites SET changes = changes + 1"
    " WHERE id = (SELECT site_id FROM pages WHERE id = {row}.page_id);"
)


def migrate(db):
    columns = {c.name for c in db["sites"].columns}
    if "changes" not in columns:
        db.execute("ALTER TABLE sites ADD COLUMN changes INTEGER NOT NULL DEFAULT 0")
    # The site's own row (title, look, colour, owner, line, photo): any change but the count.
    db.execute(
        """CREATE TRIGGER IF NOT EXISTS sites_changed AFTER UPDATE ON sites
        WHEN NEW.changes = OLD.changes
        BEGIN UPDATE sites SET changes = OLD.changes + 1 WHERE id = NEW.id; END"""
    )
    for table in COUNTED:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            body = _BUMP.format(row=row)
            if event == "UPDATE":  # a row moved from one plan to another changes both
                body += _BUMP.format(row="OLD")
            db.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_changes_{event.lower()}"
                f" AFTER {event} ON {table} BEGIN {body} END"
            )
    # A person's own draft is shown to them on its page (issue #26): drafts name the page.
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        body = _DRAFT_BUMP.format(row=row)
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS drafts_changes_{event.lower()}"
            f" AFTER {event} ON drafts BEGIN {body} END"
        )
    # A person's name is shown beside what they wrote, in every plan they belong to.
    db.execute(
        """CREATE TRIGGER IF NOT EXISTS users_named AFTER UPDATE OF name, deleted_at ON users
        WHEN NEW.name IS NOT OLD.name OR NEW.deleted_at IS NOT OLD.deleted_at
        BEGIN UPDATE sites SET changes = changes + 1 WHERE owner_id = NEW.id
           OR id IN (SELECT site_id FROM members WHERE user_id = NEW.id)
           OR id IN (SELECT p.site_id FROM pages p WHERE p.updated_by = NEW.id); END"""
    )
