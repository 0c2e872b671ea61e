# ruff: noqa: S608 - SQL assembled from fixed fragments in this file only
"""Attachment names, captions and transcripts in the search index (issue #7).

Uses the room left by 0005: rows with rowid ``attachment_id * 8 + 2``, kind
``attachment``, and the *current* scope tokens of the page's section (``cs``/``cc``),
so a file is found exactly by the people who may view the page it is on. Triggers keep
the rows in step with every upload, change of words, removal and page move.

Append-only: never edit a step once released; add a new numbered file instead.
"""

CLEAN = "replace(replace({}, char(2), ' '), char(3), ' ')"

INDEX = f"""
INSERT INTO search_index (rowid, title, body, section, scope, kind, site_id, section_id, page_id, number)
SELECT a.id * 8 + 2, {CLEAN.format("a.name")},
       {CLEAN.format("trim(a.caption || char(10) || a.transcript)")}, '',
       'cs' || p.site_id || ' cc' || p.section_id, 'attachment', p.site_id, p.section_id, p.id, NULL
FROM attachments a JOIN pages p ON p.id = a.page_id
"""

STATEMENTS = [
    f"""CREATE TRIGGER search_attachment_added AFTER INSERT ON attachments
BEGIN
    DELETE FROM search_index WHERE rowid = NEW.id * 8 + 2;
    {INDEX} WHERE a.id = NEW.id;
END""",
    f"""CREATE TRIGGER search_attachment_changed AFTER UPDATE OF name, caption, transcript, page_id ON attachments
BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 8 + 2;
    {INDEX} WHERE a.id = NEW.id;
END""",
    """CREATE TRIGGER search_attachment_deleted AFTER DELETE ON attachments
BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 8 + 2;
END""",
    """CREATE TRIGGER search_attachment_page_moved AFTER UPDATE OF section_id ON pages
WHEN NEW.section_id != OLD.section_id
BEGIN
    UPDATE search_index SET scope = 'cs' || NEW.site_id || ' cc' || NEW.section_id,
        site_id = NEW.site_id, section_id = NEW.section_id
    WHERE rowid IN (SELECT id * 8 + 2 FROM attachments WHERE page_id = NEW.id);
END""",
    INDEX,
]


def migrate(db):
    for statement in STATEMENTS:
        db.execute(statement)
