"""Whose plan it is (issue #14): a plan made for someone, offered to them, handed over.

Most plans for young children are started by a parent or a worker. Made *for* the young
person, the plan has no owner yet: the maker is a steward (manage on every section) and
runs it, the plan carries the young person's name, and — when their email is known — an
offer to own it is emailed. Accepting it makes them the owner (logged); the stewards keep
what they had until the young person changes it (growing up, the sharing page).

An owner can also hand their plan to another person: an offer the other accepts (both
agree), logged, with what the giver keeps (manage, edit or nothing).

Offers are random secrets handed out once, kept only as SHA-256 digests; each works once,
expires, and is tied to the address it was sent to: accepting needs the account with
that address to be signed in (see ``wiki.routes.invitations``), so a link alone never
signs anyone in.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from wiki import access as policy
from wiki import clock
from wiki.db import Database
from wiki.errors import Conflict, Forbidden, Invalid, NotFound
from wiki.models import Actor
from wiki.store.audit import record
from wiki.store.context import SiteContext, access_for, load_site, site_for

OFFER_DAYS = 14
KEEP = ("manage", "edit", "none")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Offer:
    id: int
    site_slug: str
    site_title: str
    person_name: str
    email: str
    kind: str  # made-for | hand-over
    keep: str  # what the giver keeps after a hand-over: manage, edit, none
    expires_at: str
    from_name: str = ""
    token: str | None = None  # only when just made: emailed, never shown again


def _offer(row: sqlite3.Row, token: str | None = None) -> Offer:
    return Offer(
        row["id"], row["slug"], row["title"], row["person_name"], row["email"], row["kind"],
        row["keep"], row["expires_at"], row["from_name"] or "", token,
    )  # fmt: skip


_OFFER_SQL = """
SELECT o.*, s.slug, s.title, s.person_name, u.name AS from_name FROM plan_offers o
JOIN sites s ON s.id = o.site_id LEFT JOIN users u ON u.id = o.created_by
"""


def _check_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise Invalid(
            "Enter the young person's email address like name@example.org.",
            fields={"for_email": "Enter an email address."},
        )
    return email


def _new_offer(
    db: Database, actor: Actor, ctx: SiteContext, *, email: str, kind: str, keep: str = "manage"
) -> Offer:
    """Inside a write: end any live offer of the plan and make a new one."""
    now = clock.iso()
    db.execute(
        "UPDATE plan_offers SET withdrawn_at = ? WHERE site_id = ? AND accepted_at IS NULL"
        " AND withdrawn_at IS NULL AND declined_at IS NULL",
        (now, ctx.site.id),
    )
    token = secrets.token_urlsafe(32)
    offer_id = db.execute(
        "INSERT INTO plan_offers (site_id, email, kind, keep, token_hash, expires_at, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.site.id, email, kind, keep, _digest(token),
         clock.iso(clock.now() + timedelta(days=OFFER_DAYS)), actor.user_id, now),
    ).lastrowid  # fmt: skip
    row = db.one(_OFFER_SQL + " WHERE o.id = ?", (offer_id,))
    assert row is not None
    return _offer(row, token)


def offer_plan(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    email: str,
    name: str | None = None,
) -> Offer:
    """Offer a plan made for someone to the young person (or send the offer again, or to a
    corrected address): the stewards, while the plan has no owner yet."""
    ctx = site_for(db, actor, site)
    ctx.check("offer-plan")
    email = _check_email(email)
    if _looks_after(db, ctx, email):
        raise Invalid(
            f"That is the address of someone who looks after the plan. Give {ctx.site.person}'s"
            " own address: only the person the plan is for can take it.",
            fields={"email": f"{ctx.site.person}'s own address."},
        )
    with db.write():
        db.execute(
            "UPDATE sites SET pending_owner = ?, person_name = COALESCE(NULLIF(?, ''), person_name)"
            " WHERE id = ?",
            (email, (name or "").strip()[:120], ctx.site.id),
        )
        offer = _new_offer(db, actor, ctx, email=email, kind="made-for")
        record(db, site_id=ctx.site.id, actor=actor, action="offer-plan",
               detail=f"offered the plan to {offer.person_name or 'the young person'} ({email})")  # fmt: skip
    return offer


def _looks_after(db: Database, ctx: SiteContext, email: str) -> bool:
    """Is this the address of someone who keeps the plan for the young person now (a
    steward)? Such a person can never be sent, or take, the offer of the plan (issue #25)."""
    if email == ctx.actor.email.lower():
        return True
    row = db.one("SELECT id, email, name FROM users WHERE email = ?", (email,))
    if row is None:
        return False
    person = Actor(user_id=row["id"], email=row["email"], name=row["name"])
    return policy.allowed(access_for(db, person, ctx.site), "offer-plan")


def hand_over(
    db: Database, actor: Actor, *, site: str | SiteContext, email: str, keep: str = "manage"
) -> Offer:
    """The owner offers their plan to another person; it is theirs once they accept."""
    ctx = site_for(db, actor, site)
    ctx.check("hand-over-plan")
    email = _check_email(email)
    if email == (ctx.site.owner_email or "").lower():
        raise Invalid("That is you. Give the address of the person to hand it to.",
                      fields={"email": "Someone else's address."})  # fmt: skip
    if keep not in KEEP:
        raise Invalid("Choose what you keep.", fields={"keep": "Choose one."})
    with db.write():
        offer = _new_offer(db, actor, ctx, email=email, kind="hand-over", keep=keep)
        record(db, site_id=ctx.site.id, actor=actor, action="offer-plan",
               detail=f"offered to hand the plan over to {email}")  # fmt: skip
    return offer


def withdraw_offer(db: Database, actor: Actor, *, site: str | SiteContext) -> None:
    """Take back an offer not yet accepted (the owner's hand-over, or the stewards' offer)."""
    ctx = site_for(db, actor, site)
    if not (ctx.allows("hand-over-plan") or ctx.allows("offer-plan")):
        ctx.check("hand-over-plan")
    with db.write():
        db.execute(
            "UPDATE plan_offers SET withdrawn_at = ? WHERE site_id = ? AND accepted_at IS NULL"
            " AND withdrawn_at IS NULL AND declined_at IS NULL",
            (clock.iso(), ctx.site.id),
        )
        record(db, site_id=ctx.site.id, actor=actor, action="withdraw-offer",
               detail="took back the offer of the plan")  # fmt: skip


def live_offer(db: Database, actor: Actor, *, site: str | SiteContext) -> Offer | None:
    """The plan's offer waiting for an answer, for those who may make or take it back."""
    ctx = site_for(db, actor, site)
    if not (ctx.allows("hand-over-plan") or ctx.allows("offer-plan")):
        return None
    row = db.one(
        _OFFER_SQL + " WHERE o.site_id = ? AND o.accepted_at IS NULL AND o.withdrawn_at IS NULL"
        " AND o.declined_at IS NULL AND o.expires_at > ? ORDER BY o.id DESC LIMIT 1",
        (ctx.site.id, clock.iso()),
    )
    return _offer(row) if row else None


def last_declined(db: Database, actor: Actor, *, site: str | SiteContext) -> Offer | None:
    """The newest offer of the plan, if it was turned down ("No thanks"), for those who
    may send it again: so the ownership page can say so (issue #23)."""
    ctx = site_for(db, actor, site)
    if not (ctx.allows("hand-over-plan") or ctx.allows("offer-plan")):
        return None
    row = db.one(_OFFER_SQL + " WHERE o.site_id = ? ORDER BY o.id DESC LIMIT 1", (ctx.site.id,))
    return _offer(row) if row is not None and row["declined_at"] else None


def open_offer(db: Database, token: str) -> Offer:
    """The offer behind a link, if it can still be accepted; NotFound (saying why) if not."""
    row = db.one(_OFFER_SQL + " WHERE o.token_hash = ?", (_digest(token),))
    if row is None:
        raise NotFound("This link is not valid. Check you copied all of it, or ask for a new one.")
    if row["accepted_at"]:
        raise NotFound("This plan has already been accepted. If it was you, sign in to see it.")
    if row["declined_at"]:
        raise NotFound(
            "You said no thanks to this plan. If you change your mind, ask"
            f" {row['from_name'] or 'the person who sent it'} to send it again."
        )
    if row["withdrawn_at"]:
        raise NotFound("This offer was taken back, or a newer one was sent. Use the newest email.")
    if row["expires_at"] <= clock.iso():
        raise NotFound(
            f"This link has expired (they last {OFFER_DAYS} days). Ask for a new one to be sent."
        )
    return _offer(row)


def accept_offer(db: Database, actor: Actor, token: str) -> Offer:
    """The signed-in person with the offered address takes the plan as its owner."""
    offer = open_offer(db, token)
    if actor.user_id is None or actor.is_guest:
        raise Forbidden("Sign in to accept the plan.")
    if actor.email.lower() != offer.email.lower():
        raise Forbidden(f"This offer was sent to {offer.email}. Sign in with that address.")
    now = clock.iso()
    with db.write():
        row = db.one(
            "SELECT o.*, s.owner_id, s.id AS sid FROM plan_offers o JOIN sites s ON s.id = o.site_id"
            " WHERE o.id = ? AND o.accepted_at IS NULL AND o.withdrawn_at IS NULL"
            " AND o.declined_at IS NULL",
            (offer.id,),
        )
        if row is None:
            raise NotFound("This offer has already been used.")
        if offer.kind == "made-for" and policy.has_owner(row["owner_id"]):
            raise Conflict("This plan already has an owner.")
        if offer.kind == "made-for" and _keeper_of(db, actor, offer, row["created_by"]):
            raise Forbidden(
                "You look after this plan. Only the person it was made for can take it as theirs."
            )
        site_id, giver = row["sid"], row["owner_id"]
        db.execute(
            "UPDATE plan_offers SET accepted_at = ?, accepted_by = ? WHERE id = ?",
            (now, actor.user_id, offer.id),
        )
        # The new owner needs no grants of their own: their place in the circle goes.
        db.execute("DELETE FROM grants WHERE site_id = ? AND user_id = ?", (site_id, actor.user_id))
        db.execute(
            "DELETE FROM members WHERE site_id = ? AND user_id = ?", (site_id, actor.user_id)
        )
        db.execute(
            "UPDATE sites SET owner_id = ?, pending_owner = NULL, person_name = ? WHERE id = ?",
            (actor.user_id, actor.name or offer.person_name, site_id),
        )
        if offer.kind == "hand-over" and giver is not None and offer.keep != "none":
            _keep_giver(db, site_id, giver, offer.keep, now)
        record(db, site_id=site_id, actor=actor, action="take-ownership",
               detail=("accepted the plan made for them" if offer.kind == "made-for"
                       else f"accepted the plan from {offer.from_name or 'its owner'}")
               + "; it is now theirs")  # fmt: skip
    return offer


def decline_offer(db: Database, actor: Actor, token: str) -> Offer:
    """ "No thanks": the person the offer was sent to turns it down. The link in their inbox
    is enough (declining gives nobody anything); nothing about the plan changes but the
    offer, which ends, and the address it was waiting for."""
    offer = open_offer(db, token)
    if actor.signed_in and actor.email.lower() != offer.email.lower():
        raise Forbidden(f"This offer was sent to {offer.email}. Only they can answer it.")
    with db.write():
        ended = db.execute(
            "UPDATE plan_offers SET declined_at = ? WHERE id = ? AND accepted_at IS NULL"
            " AND withdrawn_at IS NULL AND declined_at IS NULL",
            (clock.iso(), offer.id),
        ).rowcount
        if not ended:
            raise NotFound("This offer has already been answered.")
        row = db.one("SELECT id, site_id FROM plan_offers WHERE id = ?", (offer.id,))
        assert row is not None
        if offer.kind == "made-for":
            db.execute(
                "UPDATE sites SET pending_owner = NULL WHERE id = ? AND pending_owner = ?",
                (row["site_id"], offer.email.lower()),
            )
        who = db.one("SELECT id, email, name FROM users WHERE email = ?", (offer.email,))
        answered = (
            Actor(user_id=who["id"], email=who["email"], name=who["name"]) if who else Actor()
        )
        record(db, site_id=row["site_id"], actor=answered, action="decline-offer",
               detail=f"{offer.email} said no thanks to the plan")  # fmt: skip
    return offer


def _keeper_of(db: Database, actor: Actor, offer: Offer, maker: int | None) -> bool:
    """Does the person accepting keep the plan now (its maker, or a steward)? Only the
    young person a plan was made for may become its owner: an offer sent to a keeper's
    own address is not theirs to take (issue #25)."""
    if maker is not None and maker == actor.user_id:
        return True
    site = load_site(db, offer.site_slug)
    return site is not None and policy.allowed(access_for(db, actor, site), "offer-plan")


def _keep_giver(db: Database, site_id: int, giver: int, keep: str, now: str) -> None:
    """The former owner stays in the circle with what they chose to keep."""
    member = db.one("SELECT id FROM members WHERE site_id = ? AND user_id = ?", (site_id, giver))
    if member is None:
        db.execute(
            "INSERT INTO members (site_id, user_id, relationship, created_at) VALUES (?, ?, ?, ?)",
            (site_id, giver, "handed the plan over", now),
        )
    db.execute(
        "INSERT INTO grants (site_id, user_id, section, capability, created_by, created_at)"
        " VALUES (?, ?, '*', ?, ?, ?)",
        (site_id, giver, keep, giver, now),
    )
