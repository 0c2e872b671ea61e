"""The named actions a person can do, and the app's rule book that holds them (issue #25).

Each action says who it is for (``Rule``): a capability on a section, a signed-in reader,
the stewards, the young person alone, or — while a plan made for someone has no owner yet —
its stewards. ``wiki.access`` decides them; nothing here decides anything. The core's
actions are declared through the same ``actions`` hook every plugin uses
(``wiki.plugins``), into one ``RuleBook`` per app.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from wiki.models import Capability


class Rule(enum.Enum):
    """Who an action is for."""

    SECTION = "section"  # needs a capability on one section
    READER = "reader"  # a signed-in person who may read at least one section
    STEWARD = "steward"  # the young person, or someone who manages every section
    OWNER = "owner"  # the young person alone
    # The young person; while a plan made for them has no owner yet, its stewards (#14).
    KEEPER = "keeper"
    # Only while a plan made for someone has no owner yet: its stewards; once the plan is the
    # young person's own, nobody (an owner hands a plan over instead, issue #25).
    UNOWNED = "unowned"


@dataclass(frozen=True)
class Action:
    """A named thing a person can do. ``needs`` is the capability a SECTION action needs;
    ``section`` fixes the section for actions that belong to one (a review lives in
    ``reviews``)."""

    name: str
    rule: Rule
    doing: str  # plain words for "you cannot ___": "change", "see who has looked"
    needs: Capability = Capability.NONE
    section: str | None = None


_CORE = [
    Action("view", Rule.SECTION, "open", Capability.VIEW),
    Action("edit", Rule.SECTION, "change", Capability.EDIT),
    Action("upload", Rule.SECTION, "add photos or recordings to", Capability.EDIT),
    # Sharing a section, or every section ("*"), needs manage there.
    Action("share", Rule.SECTION, "change who can see", Capability.MANAGE),
    Action("make-guest-link", Rule.SECTION, "make a guest link for", Capability.MANAGE),
    Action("rename-section", Rule.SECTION, "rename", Capability.MANAGE),
    Action("search", Rule.READER, "search"),
    Action("export", Rule.READER, "take a copy of"),
    Action("see-sharing", Rule.STEWARD, "see who can see this plan"),
    Action("manage-circle", Rule.STEWARD, "change the circle of support"),
    Action("invite", Rule.STEWARD, "invite people to"),
    Action("see-audit", Rule.STEWARD, "see who has looked at"),
    Action("view-as", Rule.STEWARD, "see this plan as someone else"),
    Action("export-full", Rule.STEWARD, "take a full copy (with the circle and the log) of"),
    Action("add-section", Rule.STEWARD, "add parts to"),
    Action("arrange-sections", Rule.STEWARD, "change the order of the parts of"),
    Action("change-look", Rule.STEWARD, "change the look of"),
    # The young person's own line and photo on the plan's home (issue #16).
    Action("change-introduction", Rule.STEWARD, "change the introduction and photo of"),
    # Putting away (or bringing back) the welcome: one's own, on a plan one may read (#16).
    Action("dismiss-welcome", Rule.READER, "put away the welcome to"),
    # The young person's date of birth, and what would identify them from it (issue #14).
    Action("see-personal-details", Rule.STEWARD, "see the personal details in"),
    Action("see-growing-up", Rule.STEWARD, "see when the decisions pass to the young person in"),
    # A plan with no owner yet can be deleted by its stewards (who made it, and run it
    # until the young person takes it); once owned, only the young person (issue #14).
    Action("delete-plan", Rule.KEEPER, "delete"),
    # Offering a plan made for someone to the young person (send, send again, withdraw):
    # the stewards, only while it has no owner; an owner hands it over instead.
    Action("offer-plan", Rule.UNOWNED, "offer to the young person"),
    Action("decide-at-16", Rule.OWNER, "decide who keeps managing"),
    Action("see-stewards", Rule.OWNER, "see who manages"),
    Action("hand-over-plan", Rule.OWNER, "give away"),
]


class RuleBook:
    """The named actions one app knows (issue #25): the core's and its plugins', each
    declared through the same ``actions`` hook when the app is made (``wiki.plugins``). The
    book belongs to the app, not to this module: two apps with different plugins do not
    share one, and a test adds an action to its own app only.

    A name is declared once: a plugin cannot loosen a core action by declaring it again."""

    def __init__(self, actions: Iterable[Action] = ()) -> None:
        self._actions: dict[str, Action] = {}
        self.register(actions)

    def register(self, actions: Iterable[Action]) -> None:
        for act in actions:
            known = self._actions.get(act.name)
            if known is not None and known != act:
                raise ValueError(f"The action {act.name!r} is already declared differently.")
            self._actions[act.name] = act

    def action(self, name: str) -> Action:
        try:
            return self._actions[name]
        except KeyError:
            raise KeyError(f"No action is named {name!r}; declare it first.") from None

    def names(self) -> list[str]:
        return sorted(self._actions)

    def __iter__(self) -> Iterator[Action]:
        return iter(list(self._actions.values()))


def core_actions() -> list[Action]:
    """The core's own actions, declared through the ``actions`` hook like a plugin's."""
    return list(_CORE)


# An Access decided without an app (the operator at the command line, a test of the table)
# asks the core's actions only.
CORE_BOOK = RuleBook(_CORE)
