# ruff: noqa: S608 - SQL assembled from fixed fragments in this file only
"""Full-text search (issue #7), and the record of deleted sites and accounts.

One FTS5 index, ``search_index``, holds every searchable thing. Each row's rowid says
where it came from: ``source_id * 8 + class``:

    class 0  the current revision of a page   (source: pages.id)
    class 1  an older revision of a page      (source: revisions.id)
    class 2  reserved: attachments (names, captions, transcripts), for a later migration
    3 to 7   spare

Columns ``title``, ``body`` and ``section`` are what people search; ``scope`` holds
tokens that say whose eyes the row is for, so the search can be narrowed to the
sections a person may view *inside* the full-text match (no scan of other sites):

    cs<site id> cc<section id>   current material (pages now; attachments later)
    rs<site id> rc<section id>   older revisions (searched only when asked for)

The other columns are UNINDEXED labels for the second, plain-SQL filter
(``section_id IN (...)``) and for building links.

Triggers keep the index in step with every save, rename, move and delete, so no code
path can forget it. A later migration that adds attachments indexes them by adding
rows with rowid ``attachment_id * 8 + 2`` and the ``cs``/``cc`` scope tokens from its
own triggers: the search's match already covers them; ``wiki.store.search`` then needs
the new ``kind`` in its list and a link for it when results are shown.

``deletions`` records every site and account deletion. A deleted site is moved out of
the live tables at once and kept as a sealed archive for its 30-day grace period, so it
can be restored; at the end of the grace period the archive is destroyed.

Append-only: never edit a step once released; add a new numbered file instead.
"""

CLEAN = "replace(replace({}, char(2), ' '), char(3), ' ')"  # our snippet markers

INDEX_CURRENT = f"""
INSERT INTO search_index (rowid, title, body, section, scope, kind, site_id, section_id, page_id, number)
SELECT p.id * 8, {CLEAN.format("p.title")}, {CLEAN.format("r.body")}, {CLEAN.format("s.title")},
       'cs' || p.site_id || ' cc' || p.section_id, 'page', p.site_id, p.section_id, p.id, r.number
FROM pages p JOIN revisions r ON r.page_id = p.id AND r.number = p.revision
JOIN sections s ON s.id = p.section_id
"""

INDEX_OLD = f"""
INSERT INTO search_index (rowid, title, body, section, scope, kind, site_id, section_id, page_id, number)
SELECT r.id * 8 + 1, {CLEAN.format("r.title")}, {CLEAN.format("r.body")}, '',
       'rs' || p.site_id || ' rc' || p.section_id, 'revision', p.site_id, p.section_id, p.id, r.number
FROM revisions r JOIN pages p ON p.id = r.page_id
"""

SCHEMA = f"""
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body, section, scope,
    kind UNINDEXED, site_id UNINDEXED, section_id UNINDEXED, page_id UNINDEXED, number UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(8.0, 1.0, 2.0, 0.0)');

-- A revision inserted at or below the page's current number (import, restore of a
-- deleted site): index it as current or old. Ordinary saves insert the revision first
-- and then move the page's pointer, which the pages trigger below handles.
CREATE TRIGGER search_revision_old AFTER INSERT ON revisions
WHEN NEW.number < (SELECT revision FROM pages WHERE id = NEW.page_id)
BEGIN
    DELETE FROM search_index WHERE rowid = NEW.id * 8 + 1;
    {INDEX_OLD} WHERE r.id = NEW.id;
END;
CREATE TRIGGER search_revision_current AFTER INSERT ON revisions
WHEN NEW.number = (SELECT revision FROM pages WHERE id = NEW.page_id)
BEGIN
    DELETE FROM search_index WHERE rowid = NEW.page_id * 8;
    {INDEX_CURRENT} WHERE p.id = NEW.page_id;
END;

-- A save moves the page to a new revision (and may change its title); the revision it
-- leaves becomes an old one. Also a page moved to another section.
CREATE TRIGGER search_page_changed AFTER UPDATE OF revision, title, section_id ON pages
BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 8;
    DELETE FROM search_index WHERE rowid IN (
        SELECT id * 8 + 1 FROM revisions WHERE page_id = OLD.id AND number IN (OLD.revision, NEW.revision));
    {INDEX_OLD} WHERE r.page_id = OLD.id AND r.number = OLD.revision AND OLD.revision != NEW.revision;
    UPDATE search_index SET scope = 'rs' || NEW.site_id || ' rc' || NEW.section_id,
        site_id = NEW.site_id, section_id = NEW.section_id
    WHERE NEW.section_id != OLD.section_id
      AND rowid IN (SELECT id * 8 + 1 FROM revisions WHERE page_id = NEW.id);
    {INDEX_CURRENT} WHERE p.id = NEW.id;
END;

CREATE TRIGGER search_page_deleted AFTER DELETE ON pages
BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 8;
END;

-- Also fires for revisions removed by ON DELETE CASCADE (a page, a section, a site).
CREATE TRIGGER search_revision_deleted AFTER DELETE ON revisions
BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 8 + 1;
END;

-- Revisions are never edited by the app; if one ever is (a redaction), re-index it.
CREATE TRIGGER search_revision_changed AFTER UPDATE OF title, body ON revisions
BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 8 + 1;
    DELETE FROM search_index WHERE rowid = NEW.page_id * 8
        AND NEW.number = (SELECT revision FROM pages WHERE id = NEW.page_id);
    {INDEX_OLD} WHERE r.id = NEW.id AND r.number < p.revision;
    {INDEX_CURRENT} WHERE p.id = NEW.page_id AND p.revision = NEW.number;
END;

CREATE TRIGGER search_section_renamed AFTER UPDATE OF title ON sections
BEGIN
    UPDATE search_index SET section = {CLEAN.format("NEW.title")}
    WHERE rowid IN (SELECT id * 8 FROM pages WHERE section_id = NEW.id);
END;

CREATE TABLE deletions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('site', 'account')),
    site_id INTEGER,                        -- the id the site had (no reference: it is gone)
    site_slug TEXT,                         -- NULL once purged
    site_title TEXT,                        -- NULL once purged
    owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    requested_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    requested_at TEXT NOT NULL,
    purge_after TEXT,                       -- end of the grace period (sites)
    restored_at TEXT,
    purged_at TEXT,
    archive BLOB                            -- the sealed site during its grace period; NULL after
);
CREATE INDEX deletions_owner ON deletions(owner_id);
CREATE INDEX deletions_due ON deletions(purge_after) WHERE purged_at IS NULL AND restored_at IS NULL
"""

BACKFILL = [
    INDEX_CURRENT,
    INDEX_OLD + " WHERE r.number < p.revision",
]


def migrate(db):
    for statement in _statements(SCHEMA):
        db.execute(statement)
    for statement in BACKFILL:
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """Split on ';' at the end of a line, keeping each CREATE TRIGGER ... END whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        if line.strip().startswith("--"):
            continue
        current.append(line)
        text = "\n".join(current).strip()
        in_trigger = text.upper().startswith("CREATE TRIGGER")
        if line.rstrip().endswith(";") and (not in_trigger or line.strip().upper() == "END;"):
            statements.append(text.rstrip(";"))
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements
