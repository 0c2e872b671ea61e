"""Who manages a plan: everyone in the circle folded at once, and the rule that a plan
always keeps someone who can manage it (issue #25).

Every change that can take away a steward (removing a member, revoking a grant, moving
someone between groups, the young person's growing-up choices) makes its change inside its
write transaction and then calls ``keep_a_manager``: the rule is asked of the state *after*
the change, through ``wiki.access``, so a steward through a group counts as much as one
through a personal grant, and a refusal rolls the whole change back.
"""

from __future__ import annotations

from wiki import access as policy
from wiki.db import Database
from wiki.errors import Forbidden
from wiki.models import Site
from wiki.store.context import circle_accesses


def keep_a_manager(db: Database, site: Site) -> None:
    """Refuse (Forbidden) a change that would leave the plan with nobody who can manage it.

    Call it inside the write transaction, after the change: raising rolls it back."""
    if not policy.keeps_a_manager(site.owner_id, circle_accesses(db, site).values()):
        raise Forbidden(
            "Nobody else can manage this plan, so this cannot be taken away. "
            "Ask someone else to manage every part first."
        )
