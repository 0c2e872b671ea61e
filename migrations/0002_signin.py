"""Sign-in as people really do it (issue #4): email links, single sign-on, verified emails.

Append-only: never edit a step once released; add a new numbered file instead.
"""

SCHEMA = """
CREATE TABLE email_links (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('sign-in', 'reset')),
    email TEXT NOT NULL COLLATE NOCASE,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,   -- NULL: a new address (open sign-up)
    token_hash TEXT NOT NULL UNIQUE,   -- sha256 of the secret in the emailed link
    browser_hash TEXT NOT NULL,        -- sha256 of the cookie of the browser that asked for it
    next TEXT NOT NULL DEFAULT '/',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX email_links_email ON email_links(email, purpose);
CREATE TABLE oidc_requests (
    state_hash TEXT PRIMARY KEY,       -- sha256 of the OAuth state sent to the provider
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,       -- PKCE
    browser_hash TEXT NOT NULL,
    next TEXT NOT NULL DEFAULT '/',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE identities (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,            -- the operator's key for the provider
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,             -- the provider's 'sub' for this person
    email TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    UNIQUE (issuer, subject)
);
CREATE INDEX identities_user ON identities(user_id);
ALTER TABLE users ADD COLUMN email_verified_at TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT
"""


def migrate(db):
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
