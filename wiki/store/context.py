"""Loading a site together with the actor's access to it: the first step of every call.

``site_for(db, actor, slug)`` answers NotFound unless the actor may view at least one
section, so a site you were given nothing on does not exist for you.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki import access as policy
from wiki.db import Database
from wiki.errors import Forbidden, NotFound
from wiki.models import Access, Actor, Capability, GrantRow, Section, Site

_SITE_SQL = """
SELECT sites.*, users.email AS owner_email FROM sites JOIN users ON users.id = sites.owner_id
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
    site: Site
    access: Access
    sections: list[Section]  # only those the actor may view, in order

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise NotFound()

    def require(self, capability: Capability, key: str) -> Section:
        """Load-and-check: NotFound if you may not view it, Forbidden if you may not do this."""
        section = self.section(key)
        if not policy.can(self.access, capability, key):
            raise Forbidden(
                f"You can read “{section.title}” but you cannot {_verb(capability)} it."
            )
        return section

    def require_steward(self) -> None:
        if not policy.may_manage_site(self.access):
            raise Forbidden(
                "Only the young person and the people they trust to manage the site can do that."
            )

    @property
    def section_ids(self) -> list[int]:
        return [s.id for s in self.sections]


def _verb(capability: Capability) -> str:
    return {Capability.EDIT: "change", Capability.MANAGE: "change who can see"}.get(
        capability, "open"
    )


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
    )


def access_for(db: Database, actor: Actor, site: Site) -> Access:
    grants: list[GrantRow] = []
    if actor.user_id is not None and actor.user_id != site.owner_id:
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
    return policy.decide(actor, site_id=site.id, owner_id=site.owner_id, grants=grants)


def site_for(db: Database, actor: Actor, slug: str) -> SiteContext:
    site = load_site(db, slug)
    if site is None:
        raise NotFound()
    access = access_for(db, actor, site)
    sections = []
    for row in db.all("SELECT * FROM sections WHERE site_id = ? ORDER BY position, id", (site.id,)):
        cap = access.on(row["key"])
        if cap >= Capability.VIEW:
            sections.append(
                Section(row["id"], row["key"], row["title"], row["position"], row["template"], cap)
            )
    if not sections and not access.is_steward:
        raise NotFound()
    return SiteContext(site, access, sections)
