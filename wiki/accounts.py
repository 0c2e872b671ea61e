"""People and how they prove who they are: passwords, server-side sessions, API tokens,
email sign-in links and single sign-on identities.

Session cookies, tokens and emailed links are random secrets; only their SHA-256 is
stored, so a copy of the database does not let anyone sign in. A session is a row:
deleting it signs that browser out on its very next request (issue #2, #4).
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Invalid, SlowDown, WikiError
from wiki.models import Actor
from wiki.store.audit import view_log

_hasher = PasswordHasher()
# Verifying against this keeps "no such account" as slow as "wrong password".
_DUMMY_HASH = _hasher.hash("planwiki-dummy-password")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 hashes anything, but nobody types more than this
TOKEN_PREFIX = "pw_"  # noqa: S105 - a visible prefix, not a secret


@dataclass
class User:
    id: int
    email: str
    name: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def digest(secret: str) -> str:
    """The SHA-256 under which a secret (cookie, link, state) is stored."""
    return _digest(secret)


# ---- password strength -----------------------------------------------------------------

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
_AFFIX = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")
WEAK_PASSWORD = (
    "That password is too easy to guess: it is one of the passwords people use most, which"  # noqa: S105
    " criminals try first. Try three or four random words together, like 'pickle timetable heron'."
)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common (breached) passwords, lower-case."""
    return frozenset(COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").split())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this would be a poor new password, in plain words; ``None`` when it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"Choose a password of at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Choose a password of at most {MAX_PASSWORD} characters."
    if password.strip() != password or not password.strip():
        return "Do not start or end your password with a space."
    lowered = password.lower()
    common = common_passwords()
    core = _AFFIX.match(lowered)
    stem = core.group(1) if core else lowered
    if lowered in common or stem in common or lowered.isdigit() or len(set(lowered)) <= 3:
        return WEAK_PASSWORD
    if stem in ("planwiki", "password", "passw0rd", "letmein", "welcome", "qwerty"):
        return WEAK_PASSWORD
    # Not the person's own name or email with a few characters added.
    personal = [
        w
        for w in re.split(r"[^a-z0-9]+", (email.split("@")[0] + " " + name).lower())
        if len(w) >= 3
    ]
    remainder = lowered.replace(email.lower(), "") if email else lowered
    for word in sorted(personal, key=len, reverse=True):
        remainder = remainder.replace(word, "")
    if personal and len(re.sub(r"[\W_]", "", remainder)) < 6:
        return (
            "Your password must not be your name or email address."
            " Try three or four random words together."
        )
    return None


def _check_password_strength(password: str, *, email: str = "", name: str = "") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise Invalid(problem, fields={"password": problem})


def normalise_email(email: str) -> str:
    email = email.strip()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise Invalid(
            "Enter an email address like name@example.org.",
            fields={"email": "Enter an email address."},
        )
    return email.lower()


def find_user(db: Database, email: str) -> User | None:
    row = db.one(
        "SELECT id, email, name FROM users WHERE email = ? AND deleted_at IS NULL", (email.strip(),)
    )
    return User(row["id"], row["email"], row["name"]) if row else None


def create_user(db: Database, *, email: str, name: str, password: str | None = None) -> User:
    email = normalise_email(email)
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid("Enter a name of up to 120 characters.", fields={"name": "Enter a name."})
    if password is not None:
        _check_password_strength(password, email=email, name=name)
    with db.write():
        if find_user(db, email):
            raise Conflict("There is already an account with that email address.")
        user_id = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (email, name, _hasher.hash(password) if password else None, clock.iso(),
             clock.iso() if password else None),
        ).lastrowid  # fmt: skip
    assert user_id is not None
    return User(user_id, email, name)


def get_user(db: Database, user_id: int) -> User | None:
    row = db.one(
        "SELECT id, email, name FROM users WHERE id = ? AND deleted_at IS NULL", (user_id,)
    )
    return User(row["id"], row["email"], row["name"]) if row else None


def has_password(db: Database, user_id: int) -> bool:
    row = db.one("SELECT password_hash FROM users WHERE id = ?", (user_id,))
    return bool(row and row["password_hash"])


def rename_user(db: Database, user_id: int, name: str) -> None:
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid("Enter a name of up to 120 characters.", fields={"name": "Enter a name."})
    with db.write():
        db.execute("UPDATE users SET name = ? WHERE id = ?", (name, user_id))


def set_password(db: Database, user: User, password: str) -> None:
    """A new password, after the strength check (reset links, the account page)."""
    _check_password_strength(password, email=user.email, name=user.name)
    with db.write():
        db.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            (_hasher.hash(password), clock.iso(), user.id),
        )


def mark_email_verified(db: Database, user_id: int) -> None:
    with db.write():
        db.execute(
            "UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL",
            (clock.iso(), user_id),
        )


def sign_in_by_verified_email(db: Database, email: str, name: str = "") -> User:
    """The account for an address that has just been proven (an email link or invitation
    was opened, or a trusted provider vouched for it): found, or created without a password.

    For the sharing issue's invitations: call this once the invitation link is accepted,
    then ``wiki.routes.auth.signed_in(request, user, method="invitation")`` for the session.
    """
    email = normalise_email(email)
    user = find_user(db, email)
    if user is None:
        fallback = email.split("@")[0].replace(".", " ").replace("_", " ").strip().title() or email
        try:
            user = create_user(db, email=email, name=(name.strip() or fallback)[:120])
        except Conflict:  # created by a request running at the same moment
            user = find_user(db, email)
            assert user is not None
    mark_email_verified(db, user.id)
    return user


def check_password(db: Database, *, email: str, password: str) -> User | None:
    row = db.one(
        "SELECT id, email, name, password_hash FROM users WHERE email = ? AND deleted_at IS NULL",
        (email.strip(),),
    )
    stored = row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row["password_hash"]:
        return None
    return User(row["id"], row["email"], row["name"])


# ---- rate limits -----------------------------------------------------------------------


def check_rate(db: Database, keys: list[str], *, limit: int, window_minutes: int = 15) -> None:
    """Raise SlowDown when any key has had ``limit`` failures inside the window."""
    since = clock.iso(clock.now() - timedelta(minutes=window_minutes))
    for key in keys:
        row = db.one(
            "SELECT COUNT(*) AS n, MIN(at) AS first FROM login_attempts WHERE key = ? AND at > ?",
            (key, since),
        )
        if row and row["n"] >= limit:
            first = clock.now().fromisoformat(row["first"])
            remaining = (first + timedelta(minutes=window_minutes) - clock.now()).total_seconds()
            wait = max(1, math.ceil(remaining / 60))
            raise SlowDown(
                f"Too many tries. Please wait {wait} minute{'s' if wait != 1 else ''}"
                " and try again.",
                retry_after=wait * 60,
            )


def note_attempt(db: Database, keys: list[str]) -> None:
    """Count one use against each key (an email sent, a failed password)."""
    note_failure(db, keys)


def note_failure(db: Database, keys: list[str]) -> None:
    with db.write():
        for key in keys:
            db.execute("INSERT INTO login_attempts (key, at) VALUES (?, ?)", (key, clock.iso()))


def clear_failures(db: Database, keys: list[str]) -> None:
    with db.write():
        for key in keys:
            db.execute("DELETE FROM login_attempts WHERE key = ?", (key,))


# ---- sessions --------------------------------------------------------------------------


def start_session(
    db: Database, user: User, *, absolute_hours: int, user_agent: str = "", method: str = "password"
) -> str:
    """A new session with a new secret (never reuses one the browser had: no fixation)."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent,"
            " method) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_digest(secret), user.id, clock.iso(now), clock.iso(now),
             clock.iso(now + timedelta(hours=absolute_hours)), user_agent[:200], method),
        )  # fmt: skip
    return secret


def actor_from_session(db: Database, secret: str, *, idle_minutes: int) -> Actor | None:
    session_id = _digest(secret)
    row = db.one(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.email, u.name FROM sessions s"
        " JOIN users u ON u.id = s.user_id WHERE s.id = ? AND u.deleted_at IS NULL",
        (session_id,),
    )
    if row is None:
        return None
    now = clock.now()
    idle_limit = clock.iso(now - timedelta(minutes=idle_minutes))
    last_seen = max(row["last_seen_at"], view_log(db).last_seen(session=session_id) or "")
    if row["expires_at"] <= clock.iso(now) or last_seen <= idle_limit:
        end_session(db, secret)
        return None
    # Touch at most once a minute, filed with the page-view log: a page view does not write.
    if last_seen <= clock.iso(now - timedelta(minutes=1)):
        view_log(db).seen(db, session=session_id)
    return Actor(
        user_id=row["user_id"], email=row["email"], name=row["name"], session_id=session_id
    )


def end_session(db: Database, secret: str) -> None:
    with db.write():
        db.execute("DELETE FROM sessions WHERE id = ?", (_digest(secret),))


def end_all_sessions(db: Database, user_id: int, *, except_id: str | None = None) -> int:
    """Sign a person out everywhere (or everywhere but ``except_id``, a session's digest)."""
    with db.write():
        return db.execute(
            "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", (user_id, except_id)
        ).rowcount


@dataclass
class SessionInfo:
    handle: int  # a public number for the row (never the secret or its digest)
    created_at: str
    last_seen_at: str
    expires_at: str
    user_agent: str
    method: str
    current: bool


def list_sessions(
    db: Database, user_id: int, *, current_id: str | None = None
) -> list[SessionInfo]:
    """A person's sessions that are still alive, newest activity first."""
    view_log(db).flush(db)  # uses noted but not yet filed (a rare page: file them now)
    rows = db.all(
        "SELECT rowid AS handle, id, created_at, last_seen_at, expires_at, user_agent, method"
        " FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC",
        (user_id, clock.iso()),
    )
    return [
        SessionInfo(r["handle"], r["created_at"], r["last_seen_at"], r["expires_at"],
                    r["user_agent"], r["method"], r["id"] == current_id)
        for r in rows
    ]  # fmt: skip


def end_session_by_handle(db: Database, user_id: int, handle: int) -> bool:
    """End one of this person's own sessions (never anyone else's)."""
    with db.write():
        cur = db.execute("DELETE FROM sessions WHERE rowid = ? AND user_id = ?", (handle, user_id))
    return cur.rowcount == 1


def prune_expired(db: Database) -> None:
    """Forget sessions, links and sign-in attempts that can never be used again."""
    now = clock.iso()
    with db.write():
        db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        db.execute(
            "DELETE FROM email_links WHERE expires_at <= ?",
            (clock.iso(clock.now() - timedelta(days=7)),),
        )
        db.execute("DELETE FROM oidc_requests WHERE expires_at <= ?", (now,))
        db.execute(
            "DELETE FROM login_attempts WHERE at <= ?",
            (clock.iso(clock.now() - timedelta(days=1)),),
        )


# ---- personal access tokens ------------------------------------------------------------


def create_token(db: Database, user: User, *, name: str = "script") -> str:
    """A new token, returned once; only its digest is kept."""
    name = name.strip()
    if not name or len(name) > 80:
        raise Invalid(
            "Give the token a name of up to 80 characters, so you can recognise it later.",
            fields={"name": "Enter a name."},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write():
        db.execute(
            "INSERT INTO tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
            (user.id, name, _digest(secret), clock.iso()),
        )
    return secret


@dataclass
class TokenInfo:
    id: int
    name: str
    created_at: str
    last_used_at: str | None


def list_tokens(db: Database, user_id: int) -> list[TokenInfo]:
    """A person's tokens that still work (revoked ones are gone for good)."""
    view_log(db).flush(db)  # as list_sessions
    rows = db.all(
        "SELECT id, name, created_at, last_used_at FROM tokens"
        " WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        (user_id,),
    )
    return [TokenInfo(r["id"], r["name"], r["created_at"], r["last_used_at"]) for r in rows]


def actor_from_token(db: Database, secret: str) -> Actor | None:
    row = db.one(
        "SELECT t.id, t.user_id, t.last_used_at, u.email, u.name"
        " FROM tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.deleted_at IS NULL",
        (_digest(secret),),
    )
    if row is None:
        return None
    now = clock.now()
    if row["last_used_at"] is None or row["last_used_at"] <= clock.iso(now - timedelta(minutes=1)):
        view_log(db).seen(db, token=row["id"])
    return Actor(user_id=row["user_id"], email=row["email"], name=row["name"])


def revoke_token(db: Database, user_id: int, token_id: int) -> bool:
    with db.write():
        cur = db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            (clock.iso(), token_id, user_id),
        )
    return cur.rowcount == 1


# ---- email links (sign in, reset a password) -------------------------------------------


class LinkProblem(WikiError):
    """An emailed link that cannot be used: ``kind`` says why, for a page that says what next."""

    status = 400
    code = "bad_link"

    def __init__(self, kind: str) -> None:
        assert kind in ("unknown", "used", "expired", "other-browser")
        super().__init__(kind)
        self.kind = kind


@dataclass
class EmailLink:
    id: int
    purpose: str
    email: str
    user_id: int | None
    next: str
    expires_at: str


def issue_email_link(
    db: Database,
    *,
    purpose: str,
    email: str,
    user: User | None,
    browser_secret: str,
    next_path: str = "/",
    minutes: int = 15,
) -> str:
    """A new single-use link secret for ``email``, bound to the browser that asked."""
    assert purpose in ("sign-in", "reset")
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO email_links (purpose, email, user_id, token_hash, browser_hash, next,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (purpose, email, user.id if user else None, _digest(secret),
             _digest(browser_secret), next_path, clock.iso(now),
             clock.iso(now + timedelta(minutes=minutes))),
        )  # fmt: skip
    return secret


def _find_link(db: Database, secret: str, *, purpose: str, browser_secret: str | None) -> EmailLink:
    row = db.one(
        "SELECT * FROM email_links WHERE token_hash = ? AND purpose = ?", (_digest(secret), purpose)
    )
    if row is None:
        raise LinkProblem("unknown")
    if row["used_at"] is not None:
        raise LinkProblem("used")
    if row["expires_at"] <= clock.iso():
        raise LinkProblem("expired")
    if not browser_secret or not secrets.compare_digest(
        _digest(browser_secret), row["browser_hash"]
    ):
        raise LinkProblem("other-browser")
    return EmailLink(
        row["id"], row["purpose"], row["email"], row["user_id"], row["next"], row["expires_at"]
    )


def check_email_link(
    db: Database, secret: str, *, purpose: str, browser_secret: str | None
) -> EmailLink:
    """The link, if it can still be used by this browser (it stays unused)."""
    return _find_link(db, secret, purpose=purpose, browser_secret=browser_secret)


def use_email_link(
    db: Database, secret: str, *, purpose: str, browser_secret: str | None
) -> EmailLink:
    """Spend the link (once, even if two requests race); older links of its kind die with it."""
    with db.write():
        link = _find_link(db, secret, purpose=purpose, browser_secret=browser_secret)
        db.execute(
            "UPDATE email_links SET used_at = ?"
            " WHERE email = ? AND purpose = ? AND used_at IS NULL",
            (clock.iso(), link.email, purpose),
        )
    return link


# ---- single sign-on: requests in flight, and identities ----------------------------------


@dataclass
class OidcRequest:
    provider: str
    nonce: str
    code_verifier: str
    next: str


def save_oidc_request(
    db: Database,
    *,
    state: str,
    provider: str,
    nonce: str,
    code_verifier: str,
    browser_secret: str,
    next_path: str,
    minutes: int = 10,
) -> None:
    """Remember a sign-in sent to a provider (PKCE verifier, nonce), keyed by its state."""
    now = clock.now()
    with db.write():
        db.execute(
            "INSERT INTO oidc_requests (state_hash, provider, nonce, code_verifier, browser_hash, next,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_digest(state), provider, nonce, code_verifier, _digest(browser_secret), next_path,
             clock.iso(now), clock.iso(now + timedelta(minutes=minutes))),
        )  # fmt: skip


def take_oidc_request(
    db: Database, *, state: str, provider: str, browser_secret: str | None
) -> OidcRequest | None:
    """The request this provider's answer belongs to, spent at once (single use); ``None``
    if unknown, already used, expired, for another provider or from another browser."""
    with db.write():
        row = db.one("SELECT * FROM oidc_requests WHERE state_hash = ?", (_digest(state),))
        if row is not None:
            db.execute("DELETE FROM oidc_requests WHERE state_hash = ?", (row["state_hash"],))
    if (
        row is None
        or row["provider"] != provider
        or row["expires_at"] <= clock.iso()
        or not browser_secret
        or not secrets.compare_digest(row["browser_hash"], _digest(browser_secret))
    ):
        return None
    return OidcRequest(row["provider"], row["nonce"], row["code_verifier"], row["next"])


class SignInRefused(WikiError):
    status = 403
    code = "sign_in_refused"


def sign_in_by_identity(
    db: Database,
    *,
    provider: str,
    issuer: str,
    subject: str,
    email: str,
    name: str = "",
) -> User:
    """The account for a provider's person: known by (issuer, subject); else linked to the
    account with the same (provider-verified) email; else created."""
    row = db.one(
        "SELECT i.id, u.id AS user_id, u.deleted_at"
        " FROM identities i JOIN users u ON u.id = i.user_id WHERE i.issuer = ? AND i.subject = ?",
        (issuer, subject),
    )
    if row is not None:
        if row["deleted_at"] is not None:
            raise SignInRefused(
                "This account has been closed. Ask the person who runs this planwiki."
            )
        with db.write():
            db.execute("UPDATE identities SET last_used_at = ?, email = ? WHERE id = ?",
                       (clock.iso(), email, row["id"]))  # fmt: skip
        user = get_user(db, row["user_id"])
        assert user is not None
        return user
    user = sign_in_by_verified_email(db, email, name)
    with db.write():
        db.execute(
            "INSERT OR IGNORE INTO identities (user_id, provider, issuer, subject, email,"
            " created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user.id, provider, issuer, subject, email, clock.iso(), clock.iso()),
        )
    return user


def list_identities(db: Database, user_id: int) -> list[dict]:
    return [dict(r) for r in db.all(
        "SELECT provider, email, created_at, last_used_at FROM identities"
        " WHERE user_id = ? ORDER BY created_at",
        (user_id,),
    )]  # fmt: skip


def app_secret(db: Database, name: str) -> str:
    """A long-lived random secret kept in the database (e.g. for signing CSRF tokens)."""
    row = db.one("SELECT value FROM app_secrets WHERE name = ?", (name,))
    if row:
        return str(row["value"])
    with db.write():
        db.execute(
            "INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)",
            (name, secrets.token_hex(32)),
        )
    row = db.one("SELECT value FROM app_secrets WHERE name = ?", (name,))
    assert row is not None
    return str(row["value"])
