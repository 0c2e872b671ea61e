"""The sharing page: who can see what, a card per person in plain words with a take-back
button on each line; pending invitations with cancel and resend; guest links and the circle
folded away below (issue #14). The three steps live in ``share_steps``; the old all-in-one
table is kept at ``/sharing/table`` for changing many things at once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import access as policy
from wiki import accounts, clock, dates, store
from wiki.db import Database
from wiki.errors import Forbidden, Invalid, NotFound, WikiError
from wiki.models import Actor, Capability, GrantRow, is_slug
from wiki.routes import share_steps
from wiki.routes.common import (
    actor_of,
    db_of,
    off_loop,
    page,
    preferences_of,
    redirect,
    require_signed_in,
    settings_of,
)
from wiki.routes.share_steps import _spec, _unspec, end_of_day, send_invitation
from wiki.store import activity, circle, invitations, links
from wiki.words import say

CAPS = ["none", "view", "edit", "manage"]


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _matrix(
    ctx: store.SiteContext,
    members: list[circle.Member],
    groups: dict[str, str],
    grants: list[circle.Grant],
) -> list[dict]:
    """Rows for the page: each person and group, their own rule per section, and what they
    can actually do once group grants are counted — both folded by ``wiki.access``, the
    code that makes the decisions (issue #13)."""
    keys = ["*", *[s.key for s in ctx.sections]]
    site_id = ctx.site.id
    rows = []
    for kind, ident, label, extra in [("person", m.email, m.name, m) for m in members] + [
        ("group", k, t, None) for k, t in groups.items()
    ]:
        mine = [
            _row(g) for g in grants if (g.person == ident if kind == "person" else g.group == ident)
        ]
        cells = {}
        for key in keys:
            own = policy.standing(policy.fold(site_id, [g for g in mine if g.section == key]), key)
            cells[key] = {"cap": own.level, "until": own.until}
        effective: dict[str, str | None] = {s.key: None for s in ctx.sections}
        if kind == "person" and extra is not None:
            theirs = mine + [_row(g) for g in grants if g.group and g.group in extra.groups]
            folded = policy.fold(site_id, theirs)
            effective = {s.key: policy.standing(folded, s.key).level for s in ctx.sections}
        rows.append(
            {
                "kind": kind,
                "id": ident,
                "label": label,
                "member": extra,
                "cells": cells,
                "effective": effective,
            }
        )
    return rows


def _row(grant: circle.Grant) -> GrantRow:
    return GrantRow(
        grant.section, Capability.parse(grant.capability), grant.expires_at, None, grant.group
    )


def _cards(
    ctx: store.SiteContext,
    members: list[circle.Member],
    groups: dict[str, str],
    grants: list[circle.Grant],
) -> list[dict]:
    """A card per person and per group: what they can read and what they can change, in
    plain words, and each rule that gives it as a line with its own take-back button.
    The folding is ``wiki.access``'s (``fold``, ``standing``, ``describe``), the code that
    makes the decisions, so the card cannot disagree with them (issues #13, #14)."""
    titles = {s.key: s.title for s in ctx.sections}
    site_id = ctx.site.id
    cards = []
    for kind, ident, label, member in [("person", m.email, m.name, m) for m in members] + [
        ("group", k, f"The {t} group", None) for k, t in groups.items()
    ]:
        mine = [g for g in grants if (g.person == ident if kind == "person" else g.group == ident)]
        through = [g for g in grants if member and g.group and g.group in member.groups]
        folded = policy.fold(site_id, [_row(g) for g in mine + through])
        can: dict[str, list[str]] = {"view": [], "edit": [], "manage": []}
        for s in ctx.sections:
            lvl = policy.standing(folded, s.key).level
            if lvl in can:
                can[lvl].append(s.title)
        lines = []
        for g in mine:
            where = "every part of the plan" if g.section == "*" else titles.get(g.section, "")
            if where:
                lines.append({"grant": g, "text": policy.describe(_row(g), who=label, where=where)})
        # What comes through a group is said once per group and level ("… can read About me
        # and Health (through the Family group)"); it is taken back on the group's card.
        by_group: dict[tuple[str, str], list[circle.Grant]] = {}
        for g in through:
            by_group.setdefault((g.group or "", g.capability), []).append(g)
        for (group, _), given in by_group.items():
            everywhere = any(g.section == "*" for g in given)
            where = (
                "every part of the plan"
                if everywhere
                else share_steps.words_list(
                    [titles[g.section] for g in given if g.section in titles]
                )
            )
            if where:
                text = policy.describe(_row(given[0]), who=label, where=where)
                lines.append({"grant": given[0], "text": text, "group": groups.get(group, group)})
        cards.append(
            {
                "kind": kind,
                "id": ident,
                "label": label,
                "member": member,
                "reads": can["view"],
                "writes": can["edit"],
                "manages": can["manage"],
                "lines": lines,
            }
        )
    return cards


def _sharing_data(db: Database, actor: Actor, site: str) -> tuple[Any, ...]:
    ctx = store.site_for(db, actor, site)
    ctx.check("see-sharing")
    return (
        ctx,
        circle.list_members(db, actor, site=ctx),
        circle.list_groups(db, actor, site=ctx),
        circle.list_grants(db, actor, site=ctx),
        links.list_guest_links(db, actor, site=ctx),
        invitations.list_invitations(db, actor, site=ctx) if ctx.allows("invite") else [],
    )


async def sharing_page(
    request: Request,
    *,
    status: int = 200,
    errors: dict | None = None,
    created_link: links.GuestLink | None = None,
    notice: str = "",
    template: str = "sharing.html",
) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    ctx, members, groups, grants, guest_links, invitations = await off_loop(
        _sharing_data, db, actor, site
    )
    titles = {s.key: s.title for s in ctx.sections} | {"*": "every part of the plan"}
    return page(
        request,
        template,
        {
            "site": ctx.site,
            "ctx": ctx,
            "members": members,
            "groups": groups,
            "grants": grants,
            "cards": _cards(ctx, members, groups, grants),
            "rows": _matrix(ctx, members, groups, grants) if template != "sharing.html" else [],
            "caps": CAPS,
            "links": guest_links,
            "invitations": invitations,
            "invite_words": {
                i.id: (
                    f"will be able to {share_steps.LEVELS.get(i.grants[0]['capability'], '')} "
                    + share_steps.words_list([titles.get(g["section"], "") for g in i.grants])
                    if i.grants
                    else ""
                )
                for i in invitations
            },
            "titles": titles,
            "created_link": created_link,
            "base_url": settings_of(request).base_url or str(request.base_url).rstrip("/"),
            "errors": errors or {},
            "notice": notice or request.query_params.get("done", ""),
            "today": clock.now().date().isoformat(),
        },
        status=status,
    )


async def table_get(request: Request) -> Response:
    return await sharing_page(request, template="sharing_table.html")


async def sharing_get(request: Request) -> Response:
    return await sharing_page(request)


async def sharing_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    form = await request.form()
    action = str(form.get("action", ""))
    try:
        notice = _apply(db, actor, site, action, form, request)
    except WikiError as problem:
        if isinstance(problem, NotFound) and action not in ("share", "invite", "member"):
            raise
        return await sharing_page(
            request, status=problem.status, errors={"form": problem.message, **problem.fields}
        )
    if isinstance(notice, Go):
        return redirect(notice.url)
    if isinstance(notice, links.GuestLink):
        ctx = store.site_for(db, actor, site)
        if not ctx.allows("see-sharing"):
            # A section manager may make a link for their section but not see the whole
            # sharing page: show them the link on a page of its own (issue #13).
            return page(request, "link_made.html", {
                "site": ctx.site, "ctx": ctx, "created_link": notice,
                "section_title": ctx.section(notice.section).title,
                "base_url": settings_of(request).base_url or str(request.base_url).rstrip("/"),
            })  # fmt: skip
        return await sharing_page(
            request,
            created_link=notice,
            notice=say("notice.link_ready", easy=_easy(request)),
        )
    return redirect(f"/s/{site}/sharing?done={notice}")


def _easy(request: Request) -> bool:
    """Whether the person acting reads in easy read: messages are said their way (#16)."""
    return preferences_of(request).easy_read


class Go(str):
    """An answer that is a page to go to (a confirmation), not a notice."""

    @property
    def url(self) -> str:
        return str(self)


def _who(g: circle.Grant) -> str:
    return f"person:{g.person}" if g.person else f"group:{g.group}"


def _took_back(
    site: str,
    who: str,
    taken: list[circle.Grant],
    *,
    stopped: bool = False,
    groups: list[str] | None = None,
) -> Go:
    query = [("who", who), *[("r", _spec(g.section, g.capability, g.expires_at)) for g in taken]]
    query += [("grp", k) for k in groups or []] + ([("did", "stopped")] if stopped else [])
    return Go(f"/s/{site}/sharing/done?" + urlencode(query))


def _apply_more(db, actor: Actor, site: str, action: str, form, request: Request):
    """The actions of issue #14: take back with undo, stop sharing, invitations, digest."""
    get = lambda name: str(form.get(name, "")).strip()  # noqa: E731
    ctx = store.site_for(db, actor, site)
    if action == "take-back" or action == "undo-share":
        ids = {int(i) for i in [*form.getlist("grants"), get("grant")] if str(i).isdigit()}
        taken = [g for g in circle.list_grants(db, actor, site=ctx) if g.id in ids]
        if not taken:
            raise NotFound("That sharing has already been taken back.")
        for g in taken:
            circle.revoke_grant(db, actor, site=ctx, grant_id=g.id)
        return _took_back(site, _who(taken[0]), taken)
    if action == "restore":
        kind, _, ident = get("who").partition(":")
        if kind not in ("person", "group"):
            raise Invalid("Choose who to share with again.")
        made = [
            circle.add_grant(
                db,
                actor,
                site=ctx,
                section=section,
                capability=cap,
                expires_at=until,
                **({"person": ident} if kind == "person" else {"group": ident}),
            )
            for section, cap, until in map(_unspec, form.getlist("r"))
            if until is None or until > clock.iso()  # an ended share is not brought back open
        ]
        back = [str(k) for k in form.getlist("grp")]
        if kind == "person" and back:
            now_in = next(
                (m.groups for m in circle.list_members(db, actor, site=ctx) if m.email == ident), []
            )
            circle.set_member_groups(
                db, actor, site=ctx, email=ident, groups=sorted({*now_in, *back})
            )
        if made:
            return Go(f"/s/{site}/sharing/done?" + urlencode([("g", g.id) for g in made]))
        return say("notice.undone", easy=_easy(request))
    if action == "stop-sharing":
        email = get("email")
        member = next(
            (m for m in circle.list_members(db, actor, site=ctx) if m.email == email), None
        )
        if member is None:
            raise NotFound("That person is not in the circle.")
        taken = [g for g in circle.list_grants(db, actor, site=ctx) if g.person == email]
        for g in taken:
            circle.revoke_grant(db, actor, site=ctx, grant_id=g.id)
        if member.groups:
            circle.set_member_groups(db, actor, site=ctx, email=email, groups=[])
        return _took_back(site, f"person:{email}", taken, stopped=True, groups=member.groups)
    if action in ("cancel-invite", "resend-invite"):
        if not get("invitation").isdigit():
            raise Invalid("Choose an invitation.")
        if action == "cancel-invite":
            gone = invitations.cancel_invitation(
                db, actor, site=ctx, invite_id=int(get("invitation"))
            )
            return say("notice.invite_cancelled", easy=_easy(request), name=gone.called)
        again = invitations.resend_invitation(db, actor, site=ctx, invite_id=int(get("invitation")))
        send_invitation(db, request, again, inviter=actor)
        return say("notice.invite_again", easy=_easy(request), name=again.called)
    if action == "digest":
        activity.want_digest(db, actor, site=ctx, weekly=get("weekly") == "on")
        on = get("weekly") == "on"
        said = say("notice.weekly_on" if on else "notice.weekly_off", easy=_easy(request))
        return Go(f"/s/{site}/audit?" + urlencode({"done": said}))
    return None


def _apply(db, actor: Actor, site: str, action: str, form, request: Request):
    get = lambda name: str(form.get(name, "")).strip()  # noqa: E731
    more = _apply_more(db, actor, site, action, form, request)
    if more is not None:
        return more
    if action == "matrix":
        return _save_matrix(db, actor, site, form)
    if action == "share":
        who = get("who")
        kind, _, ident = who.partition(":")
        if kind not in ("person", "group") or not ident:
            raise Invalid("Choose who to share with.", fields={"who": "Choose someone."})
        circle.add_grant(
            db,
            actor,
            site=site,
            section=get("section"),
            capability=get("capability"),
            expires_at=end_of_day(dates.read(form, "until"), "until"),
            **({"person": ident} if kind == "person" else {"group": ident}),
        )
        return say("notice.shared", easy=_easy(request))
    if action == "revoke":
        if not get("grant").isdigit():
            raise Invalid("Choose a sharing rule to remove.")
        try:  # the words for the confirmation; a section manager may not list every rule
            listed = circle.list_grants(db, actor, site=site)
        except Forbidden:
            listed = []
        taken = [g for g in listed if g.id == int(get("grant"))]
        circle.revoke_grant(db, actor, site=site, grant_id=int(get("grant")))
        return (
            _took_back(site, _who(taken[0]), taken)
            if taken
            else say("notice.removed", easy=_easy(request))
        )
    if action == "member":
        circle.add_member(
            db,
            actor,
            site=site,
            email=accounts.normalise_email(get("email")),
            relationship=get("relationship"),
            groups=form.getlist("groups"),
        )
        return say("notice.member_added", easy=_easy(request))
    if action == "remove-member":
        circle.remove_member(db, actor, site=site, email=get("email"))
        return say("notice.member_removed", easy=_easy(request))
    if action == "groups":
        circle.set_member_groups(
            db, actor, site=site, email=get("email"), groups=form.getlist("groups")
        )
        return say("notice.groups_updated", easy=_easy(request))
    if action == "group":
        title = get("title")
        key = get("key") or "-".join(title.lower().split())
        if not title or not is_slug(key[:60]):
            raise Invalid(
                "Give the group a short name, like 'Swimming club'.", fields={"title": "Needed."}
            )
        circle.add_group(db, actor, site=site, key=key[:60], title=title[:80])
        return say("notice.group_added", easy=_easy(request))
    if action == "invite":
        invite = invitations.create_invitation(
            db,
            actor,
            site=site,
            email=accounts.normalise_email(get("email")),
            relationship=get("relationship"),
            groups=form.getlist("groups"),
            grants=[{"section": get("section"), "capability": get("capability")}]
            if get("section")
            else [],
        )
        send_invitation(db, request, invite, inviter=actor)
        return say("notice.invited", easy=_easy(request))
    if action == "link":
        return links.create_guest_link(
            db,
            actor,
            site=site,
            section=get("section"),
            expires_at=end_of_day(dates.read(form, "until"), "until"),
            label=get("label"),
        )
    if action == "revoke-link":
        if not get("link").isdigit():
            raise Invalid("Choose a link.")
        links.revoke_guest_link(db, actor, site=site, link_id=int(get("link")))
        return say("notice.link_off", easy=_easy(request))
    raise Invalid("Unknown action.")


def _save_matrix(db, actor: Actor, site: str, form) -> str:
    """Cells named ``cell|person:email|section`` (or group:key); change only what changed."""
    grants = circle.list_grants(db, actor, site=site)
    changed = 0
    for name, value in form.multi_items():
        if not name.startswith("cell|") or value not in CAPS:
            continue
        _, who, section = name.split("|", 2)
        if str(form.get("was|" + who + "|" + section, "")) == value:
            continue
        kind, _, ident = who.partition(":")
        for g in grants:
            if g.section == section and (
                (kind == "person" and g.person == ident) or (kind == "group" and g.group == ident)
            ):
                circle.revoke_grant(db, actor, site=site, grant_id=g.id)
        if value != "none":
            circle.add_grant(
                db,
                actor,
                site=site,
                section=section,
                capability=value,
                **({"person": ident} if kind == "person" else {"group": ident}),
            )
        changed += 1
    return (
        f"Saved {changed} change{'s' if changed != 1 else ''}."
        if changed
        else "Nothing was changed."
    )


routes = [
    *share_steps.routes,
    Route("/s/{site}/sharing/table", table_get, methods=["GET"]),
    Route("/s/{site}/sharing", sharing_get, methods=["GET"]),
    Route("/s/{site}/sharing", sharing_post, methods=["POST"]),
]
_ = actor_of  # re-exported for the oversight routes
