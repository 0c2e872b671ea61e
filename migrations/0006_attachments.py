"""Photos, recordings, videos and documents attached to pages; a site's accent colour (issue #5).

Append-only: never edit a step once released. The file itself lives under the data
folder next to the database (``Settings.files_path()``), at a random path stored here;
its name is only ever shown, never used to find it.
"""


def migrate(db):
    db.execute(
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,              -- random, in the file's address
            site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
            page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
            name TEXT NOT NULL,                    -- a safe file name, for showing and downloading
            kind TEXT NOT NULL CHECK (kind IN ('image', 'audio', 'video', 'document')),
            media_type TEXT NOT NULL,              -- worked out from the content, not the name
            size INTEGER NOT NULL,
            width INTEGER,
            height INTEGER,
            caption TEXT NOT NULL DEFAULT '',      -- words shown with it (and the picture's description)
            transcript TEXT NOT NULL DEFAULT '',   -- what is said in a recording or video
            is_main INTEGER NOT NULL DEFAULT 0,    -- shown as the main content of the page
            path TEXT NOT NULL,                    -- under the files folder; random
            thumb_path TEXT,
            uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX attachments_page ON attachments(page_id)")
    db.execute("CREATE INDEX attachments_site ON attachments(site_id)")
    db.execute("ALTER TABLE sites ADD COLUMN accent TEXT")
