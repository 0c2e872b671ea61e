"""Accounts, sessions, tokens; sites, sections, pages, revisions; circle, grants, audit.

Append-only: never edit a step once released; add ``0002_...`` instead.
"""

SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,               -- sha256 of the cookie value; the value itself is never stored
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,          -- absolute limit
    user_agent TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT 'password'
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,                 -- 'email:...' or 'ip:...'
    at TEXT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts(key, at);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    date_of_birth TEXT,
    theme TEXT NOT NULL DEFAULT 'default',
    created_at TEXT NOT NULL
);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    template TEXT,
    UNIQUE (site_id, key)
);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 0,     -- number of the current revision
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    UNIQUE (section_id, slug)
);
CREATE INDEX pages_site_updated ON pages(site_id, updated_at);
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    html TEXT NOT NULL,                      -- rendered once, at save
    summary TEXT NOT NULL DEFAULT '',
    author_id INTEGER REFERENCES users(id),
    base INTEGER,                            -- the revision the author started from
    created_at TEXT NOT NULL,
    UNIQUE (page_id, number)
);
CREATE TABLE page_redirects (
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, slug)
);
CREATE TABLE drafts (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    base INTEGER,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user_id, page_id)
);

CREATE TABLE circle_groups (
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (site_id, key)
);
CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    relationship TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (site_id, user_id)
);
CREATE INDEX members_user ON members(user_id);
CREATE TABLE member_groups (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL,
    group_key TEXT NOT NULL,
    PRIMARY KEY (member_id, group_key),
    FOREIGN KEY (site_id, group_key) REFERENCES circle_groups(site_id, key) ON DELETE CASCADE
);
CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    group_key TEXT,
    section TEXT NOT NULL,                   -- a section key, or '*' for every section
    capability TEXT NOT NULL CHECK (capability IN ('view', 'edit', 'manage')),
    expires_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    CHECK ((user_id IS NULL) <> (group_key IS NULL))
);
CREATE INDEX grants_user ON grants(site_id, user_id);
CREATE INDEX grants_group ON grants(site_id, group_key);
CREATE TABLE guest_links (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,
    relationship TEXT NOT NULL DEFAULT '',
    groups TEXT NOT NULL DEFAULT '[]',       -- JSON list of group keys
    grants TEXT NOT NULL DEFAULT '[]',       -- JSON list of {section, capability}
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by INTEGER REFERENCES users(id),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    guest_link_id INTEGER REFERENCES guest_links(id) ON DELETE SET NULL,
    action TEXT NOT NULL,                    -- view, edit, restore, share, unshare, ...
    section TEXT,
    page_id INTEGER REFERENCES pages(id) ON DELETE SET NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_site_at ON audit(site_id, at);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TEXT
);
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def migrate(db):
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
