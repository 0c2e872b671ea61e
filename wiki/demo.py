"""Load the demo plan site (``planwiki serve --demo``) through the same store as everyone.

The people and words are in ``wiki/demo_content.py``; who sees what is decided here,
so that each circle member shows a different slice of the plan.
"""

from __future__ import annotations

from typing import Any

from wiki import accounts, demo_content, store
from wiki.db import Database
from wiki.models import Actor
from wiki.store import circle

# The content module is plain data; give it types once, here.
SITE: dict[str, str] = demo_content.SITE
OWNER: dict[str, str] = demo_content.OWNER
CIRCLE: list[dict[str, Any]] = demo_content.CIRCLE
PAGES: list[dict[str, str]] = demo_content.PAGES

# (who, section or "*", capability): groups first, then named people.
DEMO_GRANTS: list[tuple[str, str, str]] = [
    ("group:family", "about-me", "view"),
    ("group:family", "circle", "view"),
    ("group:family", "outcomes", "view"),
    ("group:family", "reviews", "view"),
    ("group:friends", "about-me", "view"),
    ("group:friends", "circle", "view"),
    ("group:school", "about-me", "view"),
    ("group:school", "outcomes", "view"),
    ("group:school", "education", "edit"),
    ("group:school", "reviews", "view"),
    ("group:school", "handover", "view"),
    ("group:social-care", "*", "view"),
    ("group:social-care", "outcomes", "edit"),
    ("group:social-care", "reviews", "edit"),
    ("group:social-care", "budget", "edit"),
    ("group:paid-support", "about-me", "view"),
    ("group:paid-support", "health", "view"),
    ("group:paid-support", "handover", "view"),
    ("group:paid-support", "outcomes", "edit"),
    ("group:health", "about-me", "view"),
    ("group:health", "health", "edit"),
]


def _steward_email() -> str:
    return str(next(p["email"] for p in CIRCLE if p["relationship"] in ("mum", "dad", "parent")))


def load(db: Database) -> list[tuple[str, str, str, str]]:
    """Create the people, the site, its circle, grants and pages. Returns sign-in details."""
    users = {}
    for person in [OWNER, *CIRCLE]:
        users[person["email"]] = accounts.create_user(
            db, email=person["email"], name=person["name"], password=person["password"]
        )
    actors = {email: Actor(user_id=u.id, email=u.email, name=u.name) for email, u in users.items()}
    owner = actors[OWNER["email"]]
    slug = SITE["slug"]
    store.create_site(
        db, owner, slug=slug, title=SITE["title"], date_of_birth=SITE.get("date_of_birth")
    )
    for person in CIRCLE:
        circle.add_member(
            db,
            owner,
            site=slug,
            email=person["email"],
            relationship=person["relationship"],
            groups=list(person["groups"]),
        )
    steward = _steward_email()
    circle.add_grant(db, owner, site=slug, section="*", capability="manage", person=steward)
    # The sister may help write the one-page profile; the nurse and PA are named for theirs.
    circle.add_grant(
        db, owner, site=slug, section="about-me", capability="edit", person=CIRCLE[1]["email"]
    )
    for who, section, capability in DEMO_GRANTS:
        kind, _, name = who.partition(":")
        circle.add_grant(
            db,
            owner,
            site=slug,
            section=section,
            capability=capability,
            **({"group": name} if kind == "group" else {"person": name}),
        )
    bases: dict[tuple[str, str], int | None] = {}
    for entry in PAGES:
        key = (entry["section"], entry["slug"])
        author = actors[entry["author"]]
        if author.email != OWNER["email"] and author.email != steward:
            author = owner if not _may_edit(db, author, slug, entry["section"]) else author
        result = store.save_page(
            db,
            author,
            site=slug,
            section=entry["section"],
            page=entry["slug"],
            body=entry["body"],
            base_revision=bases.get(key),
            summary=entry["summary"],
            title=entry["title"],
        )
        bases[key] = result.page.revision
    people = [(OWNER["email"], OWNER["password"], OWNER["name"], "the young person (owner)")]
    people += [(p["email"], p["password"], p["name"], p["relationship"]) for p in CIRCLE]
    return people


def _may_edit(db: Database, actor: Actor, site: str, section: str) -> bool:
    from wiki.models import Capability

    try:
        ctx = store.site_for(db, actor, site)
        return ctx.section(section).capability >= Capability.EDIT
    except Exception:
        return False
