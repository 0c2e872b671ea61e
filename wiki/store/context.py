"""Loading a site together with the actor's access to it: the first step of every call.

``site_for(db, actor, slug)`` answers NotFound unless the actor may view at least one
section, so a site you were given nothing on does not exist for you.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from wiki import access as policy
from wiki.db import Database
from wiki.errors import Forbidden, NotFound
from wiki.models import ANONYMOUS, Access, Actor, Capability, GrantRow, Section, Site

_SITE_SQL = """
SELECT sites.*, users.email AS owner_email FROM sites LEFT JOIN users ON users.id = sites.owner_id
WHERE sites.slug = ?
"""

# The actor's own grants (only while they are in the circle) and their groups' grants.
# Two indexed lookups joined by UNION ALL: an OR here would scan every grant on the
# site, and the cost of deciding must not grow with the size of the circle (issue #3).
# CROSS JOIN fixes the order (me -> my groups -> their grants); left to itself the
# planner walked every grant on the site (measured in bench/access_scale.py).
_GRANTS_SQL = """
SELECT g.section, g.capability, g.expires_at, g.user_id, g.group_key
FROM members m JOIN grants g ON g.site_id = m.site_id AND g.user_id = m.user_id
WHERE m.site_id = :site AND m.user_id = :user
UNION ALL
SELECT g.section, g.capability, g.expires_at, g.user_id, g.group_key
FROM members m CROSS JOIN member_groups mg CROSS JOIN grants g INDEXED BY grants_group
WHERE m.site_id = :site AND m.user_id = :user AND mg.member_id = m.id
  AND g.site_id = m.site_id AND g.group_key = mg.group_key
"""


@dataclass
class SiteContext:
    """One site as one person may see it, loaded and decided once per request (issue #13):
    routes pass it on to every store call of the request instead of its slug."""

    site: Site
    access: Access
    sections: list[Section]  # only those the actor may view, in order
    actor: Actor = ANONYMOUS
    _may: dict[str, bool] | None = field(default=None, repr=False)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise NotFound()

    def allows(self, action: str, section: str | None = None) -> bool:
        """May the actor do this here (``section`` for section actions)?"""
        return policy.allowed(self.access, action, section)

    def require(self, action: str, key: str) -> Section:
        """Load-and-check a section action: NotFound if you may not view the section,
        Forbidden if you may view it but not do this."""
        section = self.section(key)
        if not policy.allowed(self.access, action, key):
            raise Forbidden(policy.refusal(self.access, action, section.title))
        return section

    def check(self, action: str) -> None:
        """A site action (``see-audit``, ``delete-plan`` …): Forbidden if not allowed (the
        site itself was already found, so you may see it)."""
        if not policy.allowed(self.access, action):
            raise Forbidden(policy.refusal(self.access, action))

    @property
    def may(self) -> dict[str, bool]:
        """Every site action's answer, for templates (they ask by name, never compare)."""
        if self._may is None:
            self._may = policy.may(self.access)
        return self._may

    def may_on(self, key: str) -> dict[str, bool]:
        """Every section action's answer on one section, for templates."""
        return policy.may(self.access, key)

    def level(self, key: str) -> str:
        """``view``, ``edit`` or ``manage``: what to *show* about the actor's access."""
        return policy.level_name(self.access, key)

    @property
    def date_of_birth(self) -> str | None:
        """The young person's date of birth, for those who may see it (the owner and
        stewards, issue #14); None for everyone else. Pages, the API and exports show or
        send this, never ``site.date_of_birth`` itself."""
        return self.site.date_of_birth if self.allows("see-personal-details") else None

    @property
    def pending_owner(self) -> str | None:
        """The address a plan made for someone was offered to (the owner and stewards)."""
        return self.site.pending_owner if self.allows("see-personal-details") else None

    @property
    def role(self) -> str:
        return policy.role(self.access)

    @property
    def is_young_person(self) -> bool:
        """Is the reader the young person whose plan this is (for "your" or their name)?"""
        return policy.is_young_person(self.access)

    @property
    def section_ids(self) -> list[int]:
        return [s.id for s in self.sections]


def load_site(db: Database, slug: str) -> Site | None:
    row = db.one(_SITE_SQL, (slug,))
    if row is None:
        return None
    return Site(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        owner_id=row["owner_id"],
        owner_email=row["owner_email"],
        date_of_birth=row["date_of_birth"],
        theme=row["theme"],
        created_at=row["created_at"],
        accent=row["accent"],
        person_name=row["person_name"],
        pending_owner=row["pending_owner"],
        intro=row["intro"],
        photo_id=row["photo_id"],
    )


_GROUP_GRANTS_SQL = """
SELECT g.section, g.capability, g.expires_at, g.user_id, g.group_key FROM grants g
WHERE g.site_id = ? AND g.group_key = ?
"""


def _previewed_grants(db: Database, preview_of: str, site: Site) -> list[GrantRow]:
    """What a group's grants give, or what a pending invitation would give once accepted
    (its own starting grants and its groups'), for "see it as" (issue #23)."""
    kind, _, ident = preview_of.partition(":")
    rows: list[dict[str, Any]] = []
    if kind == "group":
        rows = [dict(r) for r in db.all(_GROUP_GRANTS_SQL, (site.id, ident))]
    elif kind == "invite" and ident.isdigit():
        invite = db.one(
            "SELECT groups, grants FROM invitations WHERE id = ? AND site_id = ?"
            " AND accepted_at IS NULL",
            (int(ident), site.id),
        )
        if invite is not None:
            for given in json.loads(invite["grants"]):
                rows.append({"section": given["section"], "capability": given["capability"],
                             "expires_at": given.get("expires_at"), "user_id": None,
                             "group_key": None})  # fmt: skip
            for group in json.loads(invite["groups"]):
                rows += [dict(r) for r in db.all(_GROUP_GRANTS_SQL, (site.id, group))]
    return [
        GrantRow(section=r["section"], capability=Capability.parse(r["capability"]),
                 expires_at=r["expires_at"], user_id=r["user_id"], group_key=r["group_key"])
        for r in rows
    ]  # fmt: skip


def access_for(db: Database, actor: Actor, site: Site) -> Access:
    grants: list[GrantRow] = []
    if actor.preview_of is not None:
        grants = _previewed_grants(db, actor.preview_of, site)
    if actor.user_id is not None and not policy.owns(site.owner_id, actor.user_id):
        grants = [
            GrantRow(
                section=r["section"],
                capability=Capability.parse(r["capability"]),
                expires_at=r["expires_at"],
                user_id=r["user_id"],
                group_key=r["group_key"],
            )
            for r in db.all(_GRANTS_SQL, {"site": site.id, "user": actor.user_id})
        ]
    return policy.decide(
        actor, site_id=site.id, owner_id=site.owner_id, grants=grants, rules=db.extensions.rules
    )


# Every grant that reaches a circle member on one site, personal or through a group: one
# query for the whole circle, instead of one access load per member.
_CIRCLE_GRANTS_SQL = """
SELECT m.user_id AS member, g.section, g.capability, g.expires_at, g.user_id, g.group_key
FROM members m JOIN grants g ON g.site_id = m.site_id AND g.user_id = m.user_id
WHERE m.site_id = :site
UNION ALL
SELECT m.user_id AS member, g.section, g.capability, g.expires_at, g.user_id, g.group_key
FROM members m JOIN member_groups mg ON mg.member_id = m.id
JOIN grants g ON g.site_id = m.site_id AND g.group_key = mg.group_key
WHERE m.site_id = :site
"""


def circle_accesses(db: Database, site: Site) -> dict[int, Access]:
    """Every circle member's ``Access`` on the site (by user id), decided by the rule book."""
    grants: dict[int, list[GrantRow]] = defaultdict(list)
    members = [
        int(r["user_id"])
        for r in db.all("SELECT user_id FROM members WHERE site_id = ?", (site.id,))
    ]
    for r in db.all(_CIRCLE_GRANTS_SQL, {"site": site.id}):
        grants[int(r["member"])].append(
            GrantRow(
                section=r["section"],
                capability=Capability.parse(r["capability"]),
                expires_at=r["expires_at"],
                user_id=r["user_id"],
                group_key=r["group_key"],
            )
        )
    return {
        user_id: policy.decide(
            Actor(user_id=user_id),
            site_id=site.id,
            owner_id=site.owner_id,
            grants=grants.get(user_id, []),
            rules=db.extensions.rules,
        )
        for user_id in members
    }


def site_for(db: Database, actor: Actor, site: str | SiteContext) -> SiteContext:
    """The site as ``actor`` may see it: NotFound unless they may view something there.

    Given a context this request already loaded for the same actor, it is used as it is,
    so one request loads the site, the grants and the decision once (issue #13).
    """
    if isinstance(site, SiteContext):
        if site.actor != actor:
            raise ValueError("A site context was loaded for someone else.")
        return site
    found = load_site(db, site)
    if found is None:
        raise NotFound()
    access = access_for(db, actor, found)
    sections = []
    for row in db.all(
        "SELECT * FROM sections WHERE site_id = ? ORDER BY position, id", (found.id,)
    ):
        if policy.may_view(access, row["key"]):
            sections.append(
                Section(
                    row["id"], row["key"], row["title"], row["position"], row["template"],
                    policy.level(access, row["key"]),
                )
            )  # fmt: skip
    if not sections and not policy.allowed(access, "see-sharing"):
        raise NotFound()
    return SiteContext(found, access, sections, actor)
