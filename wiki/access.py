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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from wiki import clock
from wiki.actions import CORE_BOOK, Action, Rule, RuleBook, core_actions
from wiki.dates import day_month_year
from wiki.models import Access, Actor, Capability, GrantRow, Role

__all__ = ["CORE_BOOK", "OPERATOR", "Action", "Rule", "RuleBook", "allowed", "explain"]


# The named actions and the app's rule book live in ``wiki.actions`` (issue #25: one concept
# per module); this module decides them.
_CORE = core_actions()


def book_of(access: Access) -> RuleBook:
    """The rule book this person's standing was decided with."""
    return access.rules if isinstance(access.rules, RuleBook) else CORE_BOOK


def action(name: str, book: RuleBook | None = None) -> Action:
    return (book or CORE_BOOK).action(name)


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
    rules: RuleBook | None = None,
) -> Access:
    """Fold the actor's live grants on one site into an ``Access``.

    ``grants`` must be only those that name the actor or one of the actor's groups on this
    site; expired ones are dropped here, at the moment of asking. ``rules``: the app's rule
    book (the core's actions only when not given).
    """
    decided = _decide(actor, site_id=site_id, owner_id=owner_id, grants=grants, at=at)
    decided.rules = rules or CORE_BOOK
    return decided


def _decide(
    actor: Actor,
    *,
    site_id: int,
    owner_id: int | None,
    grants: Iterable[GrantRow],
    at: datetime | None,
) -> Access:
    if actor.operator:
        return Access(site_id, role=Role.OPERATOR, everywhere=Capability.MANAGE)
    if actor.is_guest:
        # A guest link is a read-only window on exactly one section (issue #3).
        if actor.guest_site_id == site_id and actor.guest_section:
            return Access(
                site_id, role=Role.GUEST, by_section={actor.guest_section: Capability.VIEW}
            )
        return Access(site_id, role=Role.GUEST)
    if actor.preview_of is not None:  # a group or an invitation, previewed: its grants only
        access = fold(site_id, grants, at=at)
        access.owned = owner_id is not None
        return access
    if actor.user_id is None:
        return Access(site_id, role=Role.NOBODY)
    if actor.user_id == owner_id:
        return Access(site_id, role=Role.OWNER, everywhere=Capability.MANAGE)
    access = fold(site_id, grants, at=at)
    access.owned = owner_id is not None
    return access


def fold(site_id: int, grants: Iterable[GrantRow], *, at: datetime | None = None) -> Access:
    """What a set of grants adds up to, for one circle member (or one group) — the sharing
    page draws its grid with this too, so the grid and the decision cannot disagree."""
    moment = clock.iso(at)
    access = Access(site_id, role=Role.MEMBER)
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
        access.role = Role.STEWARD
    return access


def makes_steward(grant: GrantRow) -> bool:
    """Does this grant alone make whoever holds it a steward (manage on every section)?"""
    return grant.section == "*" and grant.capability >= Capability.MANAGE


def owns(owner_id: int | None, user_id: int | None) -> bool:
    """Is this person the young person who owns the plan (for rules about data, such as
    "the owner cannot be taken out of their own circle")."""
    return owner_id is not None and user_id is not None and owner_id == user_id


def has_owner(owner_id: int | None) -> bool:
    """Does the plan have an owner yet (a plan made for someone may not, issue #14)?"""
    return owner_id is not None


def keeps_a_manager(owner_id: int | None, circle: Iterable[Access]) -> bool:
    """A plan always keeps someone who can manage it (issue #25): the young person who owns
    it, or, while a plan made for someone has no owner yet, at least one steward (through a
    personal grant or a group's). ``circle`` is every circle member's access *after* the
    change being asked about."""
    return has_owner(owner_id) or any(a.role is Role.STEWARD for a in circle)


# ---- the questions ------------------------------------------------------------------


def level(access: Access, section: str) -> Capability:
    """The most this person may do to a section (``*``: to every section)."""
    if access.role in (Role.OWNER, Role.OPERATOR):
        return Capability.MANAGE
    if section == "*":
        return access.everywhere
    return max(access.everywhere, access.by_section.get(section, Capability.NONE))


def level_name(access: Access, section: str) -> str:
    """``none``, ``view``, ``edit`` or ``manage``, for showing (never for deciding)."""
    return level(access, section).label


def is_steward(access: Access) -> bool:
    return access.role in (Role.OWNER, Role.STEWARD, Role.OPERATOR)


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
    act = book_of(access).action(name)
    where = act.section or section
    if act.rule is Rule.SECTION:
        if where is None:
            raise ValueError(f"The action {name!r} needs a section.")
        if access.role in (Role.OWNER, Role.OPERATOR):
            return Decision(name, where, True, _ROLE_REASON[access.role])
        if access.role is Role.GUEST:
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
    if act.rule is Rule.UNOWNED and access.owned:
        return Decision(name, where, False, "The plan is already the young person's own.")
    if act.rule is Rule.OWNER or (act.rule is Rule.KEEPER and access.owned):
        ok = access.role is Role.OWNER
        why = _ROLE_REASON[Role.OWNER] if ok else "Only the young person can do this."
        return Decision(name, where, ok, why)
    if act.rule in (Rule.KEEPER, Rule.UNOWNED):  # no owner yet: its stewards keep it for them
        ok = access.role in (Role.STEWARD, Role.OPERATOR) and access.everywhere >= Capability.MANAGE
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
    ok = access.role in (Role.OWNER, Role.STEWARD, Role.MEMBER, Role.OPERATOR) and (
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
    Role.OWNER: "They are the young person whose plan this is.",
    Role.OPERATOR: "The operator, at the command line.",
    Role.STEWARD: "They manage every section.",
}


def refusal(access: Access, name: str, section_title: str | None = None) -> str:
    """The sentence a person reads when they may see the thing but not do this."""
    act = book_of(access).action(name)
    if act.rule is Rule.SECTION and section_title:
        return f"You can read “{section_title}” but you cannot {act.doing} it."
    if act.rule is Rule.UNOWNED and access.owned:
        return "The plan is already the young person's own."
    if act.rule is Rule.OWNER or (act.rule is Rule.KEEPER and access.owned):
        return "Only the young person can do that."
    return "Only the young person and the people they trust to manage the plan can do that."


def may(access: Access, section: str | None = None) -> dict[str, bool]:
    """Every action's answer at once, for a template (site actions, or one section's)."""
    out = {}
    for act in book_of(access):
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
    if access.role in (Role.OWNER, Role.OPERATOR):
        return True
    if access.role is Role.GUEST:
        return section == than  # a guest link reads one section only
    source, copy = _view_until(access, section), _view_until(access, than)
    return source is None or (copy is not None and source >= copy)


def role(access: Access) -> Role:
    """Who they are to this plan, for words on a page ("Your own plan"), never for deciding."""
    return access.role


def is_young_person(access: Access) -> bool:
    """Is this the young person whose plan it is? An identity question, for words on a page
    ("your plan" or "Rhys's plan"), asked by name rather than through an action that happens
    to be theirs alone (issue #25)."""
    return access.role is Role.OWNER


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
