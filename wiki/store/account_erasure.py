"""Erasing an account (issue #9): a person deletes their own account; what they alone keep
for a young person must be handed on or deleted first. Their name and address leave every
row that named them. Deleting and restoring a plan is ``wiki.store.erasure``."""

from __future__ import annotations

import re
from pathlib import Path

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Invalid, NotSignedIn
from wiki.models import Actor
from wiki.store.audit import record, view_log
from wiki.store.context import access_for, load_site
from wiki.store.erasure import FORMER, _purge, _purge_files, finish_erasure


def owned_sites(db: Database, actor: Actor) -> list[tuple[str, str]]:
    if actor.user_id is None:
        return []
    return [
        (r["slug"], r["title"])
        for r in db.all(
            "SELECT slug, title FROM sites WHERE owner_id = ? ORDER BY title", (actor.user_id,)
        )
    ]


def kept_alone(db: Database, actor: Actor) -> list[str]:
    """Plans made for someone that have no owner yet and that only this person runs: they
    would be left with nobody to look after them (issue #14)."""
    alone = []
    for row in db.all(
        "SELECT s.slug, s.title FROM members m JOIN sites s ON s.id = m.site_id"
        " WHERE m.user_id = ? AND s.owner_id IS NULL ORDER BY s.title",
        (actor.user_id,),
    ):
        site = load_site(db, row["slug"])
        if site is None or not policy.allowed(access_for(db, actor, site), "offer-plan"):
            continue
        others = db.all(
            "SELECT u.id, u.email, u.name FROM members m JOIN users u ON u.id = m.user_id"
            " WHERE m.site_id = ? AND m.user_id != ?",
            (site.id, actor.user_id),
        )
        if not any(
            policy.allowed(
                access_for(db, Actor(user_id=o["id"], email=o["email"]), site), "offer-plan"
            )
            for o in others
        ):
            alone.append(row["title"])
    return alone


def delete_account(
    db: Database, actor: Actor, *, confirm_email: str, files_dir: Path | None = None
) -> None:
    """The person deletes their own account (see the module's description)."""
    if actor.user_id is None or actor.is_guest:
        raise NotSignedIn("Sign in to delete your account.")
    if confirm_email.strip().lower() != actor.email.lower():
        raise Invalid(
            "To delete your account, type your email address exactly.",
            fields={"confirm": "Type your email address to confirm."},
        )
    owned = owned_sites(db, actor)
    if owned:
        raise Conflict(
            "You still own "
            + ", ".join(f"“{title}”" for _, title in owned)
            + ". Delete your plans first, then your account."
        )
    kept = kept_alone(db, actor)
    if kept:
        raise Conflict(
            "You are the only person looking after "
            + ", ".join(f"“{title}”" for title in kept)
            + ", made for someone who does not have it yet. Send it to them, ask someone else"
            " to manage it, or delete it first."
        )
    view_log(db).flush(db)
    user_id, email = actor.user_id, actor.email
    purged: list[int] = []
    with db.write():
        for r in db.all("SELECT id FROM deletions WHERE owner_id = ? AND purged_at IS NULL"
                        " AND restored_at IS NULL AND kind = 'site'", (user_id,)):  # fmt: skip
            _purge(db, r["id"])
            purged.append(r["id"])
        for r in db.all("SELECT site_id FROM members WHERE user_id = ?", (user_id,)):
            record(db, site_id=r["site_id"], actor=Actor(), action="account-deleted",
                   detail=f"Someone in the circle deleted their account; their changes now show as by {FORMER}.")  # fmt: skip
        _scrub_email(db, email)
        _unlink_references(db, user_id)
        db.execute("DELETE FROM users WHERE id = ?", (user_id,))
        db.execute(
            "INSERT INTO deletions (kind, requested_at, purged_at) VALUES ('account', ?, ?)",
            (clock.iso(), clock.iso()),
        )
    for deletion_id in purged:
        _purge_files(files_dir, deletion_id)
    # Briefly (this runs in a request): what is left, the next `planwiki purge` finishes,
    # as it rewrites the index and truncates the log every time it runs.
    finish_erasure(db, wait_s=1.0, index_budget_s=2.0)


def _scrub_email(db: Database, email: str) -> None:
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    for r in db.all(
        "SELECT id, detail FROM audit WHERE instr(lower(detail), lower(?)) > 0", (email,)
    ):
        db.execute(
            "UPDATE audit SET detail = ? WHERE id = ?", (pattern.sub(FORMER, r["detail"]), r["id"])
        )
    db.execute("DELETE FROM invitations WHERE email = ?", (email,))
    db.execute(
        "DELETE FROM outbox WHERE lower(to_address) = lower(?) OR instr(lower(body), lower(?)) > 0",
        (email, email),
    )
    for table, column in (("email_links", "email"), ("identities", "email")):
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", (email,))  # noqa: S608 - fixed names
    db.execute("DELETE FROM login_attempts WHERE lower(key) = lower(?)", (f"email:{email}",))


def _unlink_references(db: Database, user_id: int) -> None:
    """Every column that points at the person without ON DELETE CASCADE or SET NULL is set
    to NULL (their edits become "a former member"'s); found from the schema, so tables
    added later are covered too. Columns that cannot be NULL stop the deletion."""
    tables = [
        r["name"]
        for r in db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    for table in tables:
        for fk in db.all(f"PRAGMA foreign_key_list('{table}')"):
            if fk["table"] != "users" or fk["on_delete"] in ("CASCADE", "SET NULL"):
                continue
            column = fk["from"]
            notnull = {c["name"]: c["notnull"] for c in db.all(f"PRAGMA table_info('{table}')")}
            if notnull.get(column):
                if db.one(f'SELECT 1 FROM "{table}" WHERE "{column}" = ?', (user_id,)):  # noqa: S608 - names from the schema
                    raise Conflict("This account still owns something that must be deleted first.")
                continue
            db.execute(f'UPDATE "{table}" SET "{column}" = NULL WHERE "{column}" = ?', (user_id,))  # noqa: S608
