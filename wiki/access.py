"""The one rule book: may this person do this, here, now — and why (issue #13).

Every kind of thing a person can do has a name (``view``, ``edit``, ``share``,
``see-audit``, ``export-full`` …). ``allowed(access, action, section)`` answers the
question and ``explain(...)`` says which grant, group or role gives or withholds it.
Nothing outside this module compares capabilities or reads owner/steward flags:
routes, the store, plugins and templates ask by name. Plugins declare their own actions
through the ``actions`` hook; this module still decides them.

``decide`` folds the rows the store loaded for one actor on one site (their own grants
and their groups' grants) into an ``Access``, so the cost of deciding depends on how
many grants *this person* has, never on the size of the site. Default is deny: no row,
no access; an unknown action name is a programming error, never a yes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from wiki import clock
from wiki.dates import day_month_year
from wiki.models import Access, Actor, Capability, GrantRow


class Rule(enum.Enum):
    """Who an action is for."""

    SECTION = "section"  # needs a capability on one section
    READER = "reader"  # a signed-in person who may read at least one section
    STEWARD = "steward"  # the young person, or someone who manages every section
    OWNER = "owner"  # the young person alone
    # The young person; while a plan made for them has no owner yet, its stewards (#14).
    KEEPER = "keeper"


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
    Action("offer-plan", Rule.KEEPER, "offer to the young person"),
    Action("decide-at-16", Rule.OWNER, "decide who keeps managing"),
    Action("see-stewards", Rule.OWNER, "see who manages"),
    Action("hand-over-plan", Rule.OWNER, "give away"),
]

_actions: dict[str, Action] = {a.name: a for a in _CORE}


def register(actions: Iterable[Action]) -> None:
    """Add actions a plugin declares (the ``actions`` hook). A name is declared once:
    a plugin cannot loosen a core action by declaring it again."""
    for action in actions:
        known = _actions.get(action.name)
        if known is not None and known != action:
            raise ValueError(f"The action {action.name!r} is already declared differently.")
        _actions[action.name] = action


def action(name: str) -> Action:
    try:
        return _actions[name]
    except KeyError:
        raise KeyError(f"No action is named {name!r}; declare it first.") from None


def names() -> list[str]:
    return sorted(_actions)


# ---- who is asking ------------------------------------------------------------------

# The operator at the command line (export, import): every section of every plan, but
# never the young person's own choices. No web request can produce this actor: the
# middleware builds actors from sessions, tokens and guest links only.
OPERATOR = Actor(name="the operator", operator=True)


def decide(
    actor: Actor,
    *,
    site_id: int,
    owner_id: int | None,
    grants: Iterable[GrantRow],
    at: datetime | None = None,
) -> Access:
    """Fold the actor's live grants on one site into an ``Access``.

    ``grants`` must be only those that name the actor or one of the actor's groups on this
    site; expired ones are dropped here, at the moment of asking.
    """
    if actor.operator:
        return Access(site_id, role="operator", everywhere=Capability.MANAGE)
    if actor.is_guest:
        # A guest link is a read-only window on exactly one section (issue #3).
        if actor.guest_site_id == site_id and actor.guest_section:
            return Access(site_id, role="guest", by_section={actor.guest_section: Capability.VIEW})
        return Access(site_id, role="guest")
    if actor.preview_of is not None:  # a group or an invitation, previewed: its grants only
        access = fold(site_id, grants, at=at)
        access.owned = owner_id is not None
        return access
    if actor.user_id is None:
        return Access(site_id, role="nobody")
    if actor.user_id == owner_id:
        return Access(site_id, role="owner", everywhere=Capability.MANAGE)
    access = fold(site_id, grants, at=at)
    access.owned = owner_id is not None
    return access


def fold(site_id: int, grants: Iterable[GrantRow], *, at: datetime | None = None) -> Access:
    """What a set of grants adds up to, for one circle member (or one group) — the sharing
    page draws its grid with this too, so the grid and the decision cannot disagree."""
    moment = clock.iso(at)
    access = Access(site_id, role="member")
    for grant in grants:
        if grant.expires_at is not None and grant.expires_at <= moment:
            continue
        access.grants.append(grant)
        if grant.section == "*":
            access.everywhere = max(access.everywhere, grant.capability)
        else:
            current = access.by_section.get(grant.section, Capability.NONE)
            access.by_section[grant.section] = max(current, grant.capability)
    if access.everywhere >= Capability.MANAGE:
        access.role = "steward"
    return access


def owns(owner_id: int | None, user_id: int | None) -> bool:
    """Is this person the young person who owns the plan (for rules about data, such as
    "the owner cannot be taken out of their own circle")."""
    return owner_id is not None and user_id is not None and owner_id == user_id


def has_owner(owner_id: int | None) -> bool:
    """Does the plan have an owner yet (a plan made for someone may not, issue #14)?"""
    return owner_id is not None


# ---- the questions ------------------------------------------------------------------


def level(access: Access, section: str) -> Capability:
    """The most this person may do to a section (``*``: to every section)."""
    if access.role in ("owner", "operator"):
        return Capability.MANAGE
    if section == "*":
        return access.everywhere
    return max(access.everywhere, access.by_section.get(section, Capability.NONE))


def level_name(access: Access, section: str) -> str:
    """``none``, ``view``, ``edit`` or ``manage``, for showing (never for deciding)."""
    return level(access, section).label


def is_steward(access: Access) -> bool:
    return access.role in ("owner", "steward", "operator")


def allowed(access: Access, name: str, section: str | None = None) -> bool:
    """May this person do this, here, now?"""
    return explain(access, name, section).allowed


def may_view(access: Access, section: str) -> bool:
    return allowed(access, "view", section)


def visible_sections(access: Access, section_keys: Iterable[str]) -> list[str]:
    """The keys, from those given, that this person may at least view."""
    return [key for key in section_keys if may_view(access, key)]


@dataclass
class Decision:
    """The answer, with the reason in plain words and the grants behind it."""

    action: str
    section: str | None
    allowed: bool
    reason: str
    grants: list[GrantRow] = field(default_factory=list)


def _giving(access: Access, section: str, needs: Capability) -> list[GrantRow]:
    return [
        g
        for g in access.grants
        if g.capability >= needs and (g.section == "*" or g.section == section)
    ]


def _through(grant: GrantRow) -> str:
    where = "every section" if grant.section == "*" else grant.section
    who = f"the {grant.group_key} group" if grant.group_key else "a rule for them"
    # day month year, as people here write it (issue #16)
    until = f" until {day_month_year(grant.expires_at)}" if grant.expires_at else ""
    return f"{grant.capability.label} on {where}, through {who}{until}"


def _first_up(text: str) -> str:
    """A capital first letter, the rest as written (a month keeps its capital, issue #16)."""
    return text[:1].upper() + text[1:]


def explain(access: Access, name: str, section: str | None = None) -> Decision:
    """Whether the action is allowed, and why: which role or grant gives or withholds it."""
    act = action(name)
    where = act.section or section
    if act.rule is Rule.SECTION:
        if where is None:
            raise ValueError(f"The action {name!r} needs a section.")
        if access.role in ("owner", "operator"):
            return Decision(name, where, True, _ROLE_REASON[access.role])
        if access.role == "guest":
            ok = act.needs <= Capability.VIEW and access.by_section.get(where) is not None
            why = (
                "a guest link lets them read this section"
                if ok
                else "a guest link reads one section only"
            )
            return Decision(name, where, ok, why.capitalize() + ".")
        giving = _giving(access, where, act.needs)
        if giving:
            return Decision(
                name, where, True, _first_up("; ".join(map(_through, giving))) + ".", giving
            )
        has = level(access, where)
        why = (
            f"They may only {has.label} it"
            if has > Capability.NONE
            else "No rule shares it with them"
        )
        return Decision(name, where, False, why + ".")
    if act.rule is Rule.OWNER or (act.rule is Rule.KEEPER and access.owned):
        ok = access.role == "owner"
        why = _ROLE_REASON["owner"] if ok else "Only the young person can do this."
        if act.name == "offer-plan" and ok:  # an owner hands the plan over instead
            return Decision(name, where, False, "The plan is already the young person's own.")
        return Decision(name, where, ok, why)
    if act.rule is Rule.KEEPER:  # a plan with no owner yet: its stewards keep it for them
        ok = access.role in ("steward", "operator") and access.everywhere >= Capability.MANAGE
        why = (
            "The plan has no owner yet, and they manage every section."
            if ok
            else "Only the people who manage every section can, until the young person owns it."
        )
        return Decision(name, where, ok, why)
    if act.rule is Rule.STEWARD:
        if is_steward(access):
            giving = [
                g for g in access.grants if g.section == "*" and g.capability >= Capability.MANAGE
            ]
            why = _ROLE_REASON.get(access.role) or _first_up("; ".join(map(_through, giving))) + "."
            return Decision(name, where, True, why, giving)
        return Decision(
            name, where, False, "Only the young person and the people who manage every section can."
        )
    # READER: signed in (not a guest link) and may read something here.
    ok = access.role in ("owner", "steward", "member", "operator") and (
        is_steward(access)
        or access.everywhere >= Capability.VIEW
        or any(access.by_section.values())
    )
    return Decision(
        name,
        where,
        ok,
        "They may read part of this plan." if ok else "Nothing here is shared with them.",
    )


_ROLE_REASON = {
    "owner": "They are the young person whose plan this is.",
    "operator": "The operator, at the command line.",
    "steward": "They manage every section.",
}


def refusal(access: Access, name: str, section_title: str | None = None) -> str:
    """The sentence a person reads when they may see the thing but not do this."""
    act = action(name)
    if act.rule is Rule.SECTION and section_title:
        return f"You can read “{section_title}” but you cannot {act.doing} it."
    if act.rule is Rule.OWNER or (act.rule is Rule.KEEPER and access.owned):
        return "Only the young person can do that."
    return "Only the young person and the people they trust to manage the plan can do that."


def may(access: Access, section: str | None = None) -> dict[str, bool]:
    """Every action's answer at once, for a template (site actions, or one section's)."""
    out = {}
    for act in _actions.values():
        if act.rule is Rule.SECTION and act.section is None:
            if section is not None:
                out[act.name] = allowed(access, act.name, section)
        elif section is None:
            out[act.name] = allowed(access, act.name, None)
    return out


def _view_until(access: Access, section: str) -> str | None:
    """Until when the live grants behind ``view`` on a section last (None: no end)."""
    ends = [g.expires_at for g in _giving(access, section, Capability.VIEW)]
    return None if not ends or None in ends else max(e for e in ends if e is not None)


def reads_as_long(access: Access, section: str, than: str) -> bool:
    """Can this person read ``section`` for at least as long as they can read ``than``?

    Asked before words from ``section`` are copied into a page of ``than`` (a review
    report, issue #17): a copy must never reach someone who may not read its source.
    Someone who cannot read ``than`` at all is no reason to leave anything out.
    """
    if not allowed(access, "view", than):
        return True
    if not allowed(access, "view", section):
        return False
    if access.role in ("owner", "operator"):
        return True
    if access.role == "guest":
        return section == than  # a guest link reads one section only
    source, copy = _view_until(access, section), _view_until(access, than)
    return source is None or (copy is not None and source >= copy)


def role(access: Access) -> str:
    """``owner``, ``steward``, ``member``, ``guest``, ``operator`` or ``nobody``: for words
    on a page ("Your own plan"), never for deciding."""
    return access.role


# ---- words for the sharing page -----------------------------------------------------

# What each level lets a person do, in everyday words (issue #14 asks for plain words).
DOING = {
    "none": "cannot see",
    "view": "can read",
    "edit": "can read and change",
    "manage": "can read, change and share",
}


@dataclass
class Standing:
    """What a set of grants gives on one section, for showing: the level, until when, and why."""

    level: str  # none, view, edit, manage
    until: str | None
    reason: str


def standing(access: Access, section: str) -> Standing:
    """Where a person or group stands on one section (``*``: every section), drawn from the
    same folding and ``explain`` the decisions use, so the grid cannot disagree with them."""
    lvl = level(access, section)
    name = {Capability.VIEW: "view", Capability.EDIT: "edit", Capability.MANAGE: "share"}.get(lvl)
    if name is None:
        return Standing("none", None, "No rule shares it.")
    decision = explain(access, name, section)
    ends = [g.expires_at for g in decision.grants if g.capability == lvl]
    until = None if not ends or None in ends else max(e for e in ends if e is not None)
    return Standing(lvl.label, until, decision.reason)


def describe(grant: GrantRow, *, who: str, where: str) -> str:
    """One sharing rule as a sentence: "Sami can read About me"."""
    return f"{who} {DOING[grant.capability.label]} {where}"
