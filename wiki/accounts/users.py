"""People's accounts: finding, creating and renaming them, their password, and the
account an email address or a provider has just proven (issue #2, #13).
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki import clock
from wiki.accounts.passwords import check_password_strength, hash_password, verify_password
from wiki.db import Database
from wiki.errors import Conflict, Invalid
from wiki.models import MAX_NAME, is_email, name_problem, squeeze_to_one_line
from wiki.view_log import view_log


@dataclass
class User:
    id: int
    email: str
    name: str


def normalise_email(email: str) -> str:
    email = email.strip()
    if not is_email(email):
        raise Invalid(
            "Enter an email address like name@example.org.",
            fields={"email": "Enter an email address."},
        )
    return email.lower()


def _name(name: str) -> str:
    """A person's name without surrounding spaces, if it is one (one line, issue #25)."""
    problem = name_problem(name)
    if problem:
        raise Invalid(problem, fields={"name": problem})
    return name.strip()


def find_user(db: Database, email: str) -> User | None:
    row = db.one(
        "SELECT id, email, name FROM users WHERE email = ? AND deleted_at IS NULL", (email.strip(),)
    )
    return User(row["id"], row["email"], row["name"]) if row else None


def create_user(db: Database, *, email: str, name: str, password: str | None = None) -> User:
    email = normalise_email(email)
    name = _name(name)
    if password is not None:
        check_password_strength(password, email=email, name=name)
    with db.write():
        if find_user(db, email):
            raise Conflict("There is already an account with that email address.")
        user_id = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (email, name, hash_password(password) if password else None, clock.iso(),
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
    name = _name(name)
    with db.write():
        db.execute("UPDATE users SET name = ? WHERE id = ?", (name, user_id))


def set_password(db: Database, user: User, password: str) -> None:
    """A new password, after the strength check (reset links, the account page)."""
    check_password_strength(password, email=user.email, name=user.name)
    with db.write():
        db.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            (hash_password(password), clock.iso(), user.id),
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
        name = squeeze_to_one_line(name)  # a provider's claim is not ours to refuse (#25)
        try:
            user = create_user(db, email=email, name=(name or fallback)[:MAX_NAME])
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
    # Verified even when there is no such account: "no account" is as slow as "wrong password".
    if not verify_password(row["password_hash"] if row else None, password) or row is None:
        return None
    return User(row["id"], row["email"], row["name"])


@dataclass
class UserSummary:
    """One line of ``planwiki user list`` (issue #15)."""

    email: str
    name: str
    has_password: bool
    providers: list[str]  # single sign-on providers this person has used
    last_active: str | None  # newest session, token or provider use still on record


def list_users(db: Database) -> list[UserSummary]:
    """Every account that is not closed, by email, with how they sign in."""
    view_log(db).flush(db)  # uses noted but not yet filed (as list_sessions)
    rows = db.all(
        "SELECT u.email, u.name, u.password_hash IS NOT NULL AS has_password,"
        " (SELECT group_concat(DISTINCT provider) FROM identities WHERE user_id = u.id) AS providers,"
        " NULLIF(MAX(COALESCE((SELECT MAX(last_seen_at) FROM sessions WHERE user_id = u.id), ''),"
        "  COALESCE((SELECT MAX(last_used_at) FROM tokens WHERE user_id = u.id), ''),"
        "  COALESCE((SELECT MAX(last_used_at) FROM identities WHERE user_id = u.id), '')), '')"
        " AS last_active FROM users u WHERE u.deleted_at IS NULL ORDER BY u.email"
    )
    return [
        UserSummary(r["email"], r["name"], bool(r["has_password"]),
                    sorted((r["providers"] or "").split(",")) if r["providers"] else [],
                    r["last_active"])
        for r in rows
    ]  # fmt: skip
