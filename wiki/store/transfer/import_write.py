"""Writing a checked export as a new site, in one transaction: all of it, or nothing
(issue #7; split out of ``transfer.py`` in issue #13).

Import rule for people (stated in the README and issue #7):

* Through the web or the API, the person importing becomes the owner. A plan is never
  put into somebody else's account without them.
* Through ``planwiki import`` (the operator), the owner is the account with the
  export's owner email, made without a password if there is none (they sign in with an
  email link or a password reset), or the account given with ``--owner``.
* Circle members are matched by email. The operator's import makes accounts (without
  passwords) for members who have none; a person's import leaves them out and lists
  them, so they can be invited. Their grants come back only with them.
* Revisions keep their authors when the author has an account here, otherwise they
  show as "a former member". Guest links come back switched off: a link is a secret
  of the server that made it. Pending invitations and drafts are not exported.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from wiki import accounts, clock
from wiki.dates import day_month_year
from wiki.db import Database
from wiki.errors import Conflict, NotFound, NotSignedIn
from wiki.models import STANDARD_GROUPS, Actor
from wiki.render import render
from wiki.store import checks
from wiki.store.audit import record
from wiki.store.context import load_site
from wiki.store.transfer.attachments import _File, _place_files, _prepare_files
from wiki.store.transfer.import_check import parse_export
from wiki.store.transfer.parsed import Parsed, _email, _slug


@dataclass
class ImportResult:
    slug: str
    title: str
    pages: int
    revisions: int
    left_out: list[str]  # people with no account here (a person's import)
    skipped_files: list[str] = field(default_factory=list)  # attachments refused, with why


def import_site(
    db: Database,
    actor: Actor,
    data: bytes | Path,
    *,
    slug: str | None = None,
    files_dir: Path | None = None,
) -> ImportResult:
    """A person brings a plan with them: they become its owner (see the module's rule)."""
    if actor.is_guest:
        raise NotFound()
    if actor.user_id is None:
        raise NotSignedIn("Sign in to bring a plan with you.")
    parsed = parse_export(data)
    # A plan made for someone who does not own it yet stays theirs: the person bringing it
    # looks after it as a steward, as before (issue #14).
    made_for = parsed.site["owner"] is None
    return write_import(
        db, parsed, slug=slug, owner_id=None if made_for else actor.user_id, actor=actor,
        make_accounts=False, note="imported from an export" + _from(parsed), files_dir=files_dir,
        steward_id=actor.user_id if made_for else None,
    )  # fmt: skip


def import_site_as_operator(
    db: Database,
    data: bytes | Path,
    *,
    slug: str | None = None,
    owner: str | None = None,
    files_dir: Path | None = None,
) -> ImportResult:
    """``planwiki import``: the owner is the export's owner (made if unknown) or ``owner``."""
    parsed = parse_export(data)
    email = accounts.normalise_email(owner) if owner else parsed.site["owner"]
    found = accounts.find_user(db, email) if email else None
    if found is None and owner:
        raise NotFound(f"There is no account for {owner}.")
    with db.write():  # the owner's new account too, or nothing
        if found is None and email:
            name = next((m["name"] for m in parsed.members if m["email"] == email), None)
            found = accounts.create_user(db, email=email, name=name or email.split("@")[0])
        return write_import(
            db, parsed, slug=slug, owner_id=found.id if found else None, actor=Actor(),
            make_accounts=True,
            note="imported by the operator" + _from(parsed), files_dir=files_dir,
        )  # fmt: skip


def _from(parsed: Parsed) -> str:
    when = parsed.manifest.get("exported_at")
    return f" (the export was made on {day_month_year(when)})" if isinstance(when, str) else ""


def write_import(
    db: Database,
    parsed: Parsed,
    *,
    slug: str | None,
    owner_id: int | None,
    actor: Actor,
    make_accounts: bool,
    note: str,
    action: str = "import-site",
    files_dir: Path | None = None,
    files_root: Path | None = None,
    steward_id: int | None = None,
) -> ImportResult:
    """Write a checked export as a new site in one transaction: all of it, or nothing.

    Attachment files are checked like uploads and staged first (``files_dir``); a deleted
    site's own files are copied back from ``files_root``. Without ``files_dir`` no
    attachment is brought in."""
    slug = _slug(slug, "The new address") if slug else parsed.site["slug"]
    for page in parsed.pages:  # the slow part, before taking the write lock
        for rev in page.revisions:
            rev.html = render(rev.body, site=slug, blocks=db.extensions.blocks)
    now = clock.iso()
    left_out: list[str] = []
    staging = files_dir / f".import-{secrets.token_hex(8)}" if files_dir else None
    placed: list[Path] = []
    try:
        prepared, skipped = _prepare_files(parsed, staging, files_root)
        with db.write():
            result = _write_rows(
                db, parsed, slug=slug, owner_id=owner_id, actor=actor, make_accounts=make_accounts,
                note=note, action=action, now=now, left_out=left_out,
                files=(prepared, files_dir, placed), steward_id=steward_id,
            )  # fmt: skip
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if parsed.archive is not None:
            parsed.archive.close()
    result.skipped_files = skipped
    return result


def _write_rows(
    db: Database,
    parsed: Parsed,
    *,
    slug: str,
    owner_id: int | None,
    actor: Actor,
    make_accounts: bool,
    note: str,
    action: str,
    now: str,
    left_out: list[str],
    files: tuple[list[_File], Path | None, list[Path]],
    steward_id: int | None = None,
) -> ImportResult:
    if load_site(db, slug) is not None:
        raise Conflict(f"There is already a plan at the address “{slug}”. Choose another address.")
    people: dict[str, int] = {}

    def person(email: str | None) -> int | None:
        if email is None:
            return None
        if email not in people:
            found = accounts.find_user(db, email)
            if found is None:
                return None
            people[email] = found.id
        return people[email]

    s = parsed.site
    owner_name = db.one("SELECT name FROM users WHERE id = ?", (owner_id,)) if owner_id else None
    site_id = db.execute(
        "INSERT INTO sites (slug, title, owner_id, date_of_birth, theme, created_at, person_name,"
        " pending_owner, intro) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (slug, s["title"], owner_id, s["date_of_birth"], s["theme"], s["created_at"] or now,
         s.get("person_name") or (owner_name["name"] if owner_name else ""),
         None if owner_id else s.get("pending_owner"), s.get("intro") or ""),
    ).lastrowid  # fmt: skip
    section_ids: dict[str, int] = {}
    for sec in parsed.sections:
        # A plugin's own page word (issue #25): the archive was read without the app.
        checks.address(sec["key"], "key", section_key=True, reserved=db.extensions.reserved)
        section_ids[sec["key"]] = int(
            db.execute(
                "INSERT INTO sections (site_id, key, title, position, template) VALUES (?, ?, ?, ?, ?)",
                (site_id, sec["key"], sec["title"], sec["position"], sec["template"]),
            ).lastrowid
            or 0
        )
    groups = parsed.groups or [{"key": k, "title": t} for k, t in STANDARD_GROUPS]
    for g in groups:
        db.execute(
            "INSERT INTO circle_groups (site_id, key, title) VALUES (?, ?, ?)",
            (site_id, g["key"], g["title"]),
        )
    members: set[int] = set()
    for m in parsed.members:
        user_id = person(m["email"])
        if user_id is None and make_accounts:
            user_id = accounts.create_user(db, email=m["email"], name=m["name"]).id
            people[m["email"]] = user_id
        if user_id is None:
            left_out.append(m["email"])
            continue
        if user_id == owner_id:
            continue
        member_id = db.execute(
            "INSERT INTO members (site_id, user_id, relationship, created_at) VALUES (?, ?, ?, ?)",
            (site_id, user_id, m["relationship"], m["created_at"]),
        ).lastrowid
        members.add(user_id)
        for group in m["groups"]:
            db.execute(
                "INSERT INTO member_groups (member_id, site_id, group_key) VALUES (?, ?, ?)",
                (member_id, site_id, group),
            )
    for g in parsed.grants:
        user_id = person(g["person"]) if g["person"] else None
        if g["person"] and user_id not in members:
            continue  # their grants come back only with them
        db.execute(
            "INSERT INTO grants (site_id, user_id, group_key, section, capability, expires_at,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (site_id, user_id, g["group"], g["section"], g["capability"], g["expires_at"],
             person(g["created_by"]), g["created_at"]),
        )  # fmt: skip
    if steward_id is not None and steward_id not in members:  # who brought a made-for plan
        db.execute(
            "INSERT INTO members (site_id, user_id, relationship, created_at) VALUES (?, ?, ?, ?)",
            (site_id, steward_id, "brought the plan here", now),
        )
        members.add(steward_id)
    if steward_id is not None:
        db.execute(
            "INSERT INTO grants (site_id, user_id, section, capability, created_by, created_at)"
            " VALUES (?, ?, '*', 'manage', ?, ?)",
            (site_id, steward_id, steward_id, now),
        )
    links: dict[int, int] = {}
    for link in parsed.links:
        links[link["ref"]] = int(
            db.execute(
                "INSERT INTO guest_links (site_id, section, token_hash, label, expires_at,"
                " revoked_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, link["section"], "imported-" + secrets.token_hex(32), link["label"],
                 link["expires_at"], link["revoked_at"] or now, person(link["created_by"]),
                 link["created_at"]),
            ).lastrowid or 0
        )  # fmt: skip
    page_ids: dict[str, int] = {}
    revisions = 0
    for p in parsed.pages:
        sec_id = section_ids[p.section]
        page_id = int(
            db.execute(
                "INSERT INTO pages (site_id, section_id, slug, title, position, revision,"
                " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, sec_id, p.slug, p.title, p.position, p.revision, p.created_at,
                 p.updated_at, person(p.updated_by)),
            ).lastrowid or 0
        )  # fmt: skip
        page_ids[f"{p.section}/{p.slug}"] = page_id
        for r in p.revisions:  # the index triggers file each as current or old
            db.execute(
                "INSERT INTO revisions (page_id, number, title, body, html, summary, author_id,"
                " base, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (page_id, r.number, r.title, r.body, r.html, r.summary, person(r.author),
                 r.base, r.created_at),
            )  # fmt: skip
            revisions += 1
        for old in p.old_addresses:
            db.execute(
                "INSERT OR IGNORE INTO page_redirects (section_id, slug, page_id) VALUES (?, ?, ?)",
                (sec_id, old, page_id),
            )
    keys = _place_files(db, files, site_id=int(site_id or 0), page_ids=page_ids, person=person)
    if s.get("photo") in keys:  # their photo, if it came with its page (issue #16)
        db.execute(
            "UPDATE sites SET photo_id = (SELECT id FROM attachments WHERE key = ? AND site_id = ?"
            " AND kind = 'image') WHERE id = ?",
            (keys[s["photo"]], site_id, site_id),
        )
    for a in parsed.audit:
        db.execute(
            "INSERT INTO audit (site_id, at, user_id, guest_link_id, action, section, page_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (site_id, a["at"], person(a["person"]), links.get(a["link"] or -1), a["action"],
             a["section"], page_ids.get(a["page"] or ""), a["detail"]),
        )  # fmt: skip
    review = s.get("control_review")
    if isinstance(review, dict) and isinstance(review.get("decided_at"), str):
        db.execute(
            "INSERT INTO control_reviews (site_id, decided_at, decided_by) VALUES (?, ?, ?)",
            (site_id, review["decided_at"], person(_email(review.get("decided_by"), "review"))),
        )
    record(
        db,
        site_id=int(site_id or 0),
        actor=actor,
        action=action,
        detail=note + (f"; not yet here: {len(left_out)} people" if left_out else ""),
    )
    return ImportResult(slug, s["title"], len(parsed.pages), revisions, left_out)
