"""The one policy point: may this person do this to this section, now?

Everything here is a pure decision over rows the store has loaded for the actor
(their membership, their groups' grants and their own grants on one site), so the
cost depends on how many grants *this person* has, never on the size of the site.
Default is deny: no row, no access. The store asks before every read and write.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from wiki import clock
from wiki.models import Access, Actor, Capability, GrantRow


def decide(
    actor: Actor,
    *,
    site_id: int,
    owner_id: int,
    grants: Iterable[GrantRow],
    at: datetime | None = None,
) -> Access:
    """Fold the actor's live grants on one site into an ``Access``.

    ``grants`` must be only those that name the actor or one of the actor's groups
    on this site; expired ones are ignored here, at the moment of asking.
    """
    if actor.is_guest:
        # A guest link is a read-only window on exactly one section (issue #3).
        if actor.guest_site_id == site_id and actor.guest_section:
            return Access(site_id, False, {actor.guest_section: Capability.VIEW})
        return Access(site_id, False)
    if actor.user_id is None:
        return Access(site_id, False)
    if actor.user_id == owner_id:
        return Access(site_id, True, everywhere=Capability.MANAGE)
    moment = clock.iso(at)
    access = Access(site_id, False)
    for grant in grants:
        if grant.expires_at is not None and grant.expires_at <= moment:
            continue
        if grant.section == "*":
            access.everywhere = max(access.everywhere, grant.capability)
        else:
            current = access.by_section.get(grant.section, Capability.NONE)
            access.by_section[grant.section] = max(current, grant.capability)
    return access


def can(access: Access, capability: Capability, section: str) -> bool:
    """The question every content read and write asks."""
    return access.on(section) >= capability


def visible_sections(access: Access, section_keys: Iterable[str]) -> list[str]:
    """The keys, from those given, that this person may at least view."""
    return [key for key in section_keys if can(access, Capability.VIEW, key)]


def may_manage_site(access: Access) -> bool:
    """Owner or steward: may see the audit log and share any section."""
    return access.is_steward


def may_share(access: Access, section: str) -> bool:
    """``manage`` on a section lets you share that section (``*`` needs manage everywhere)."""
    if section == "*":
        return access.is_steward
    return can(access, Capability.MANAGE, section)
