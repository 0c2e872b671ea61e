"""The sharing page: who can see what, a card per person in plain words with a take-back
button on each line; pending invitations with cancel and resend; guest links and the circle
folded away below (issue #14). The three steps live in ``share_steps``; the old all-in-one
table is kept at ``/sharing/table`` for changing many things at once."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import access as policy
from wiki import clock, store
from wiki.db import Database
from wiki.errors import NotFound, WikiError
from wiki.models import Actor, Capability, GrantRow
from wiki.routes import share_steps
from wiki.routes.common import (
    db_of,
    off_loop,
    page,
    redirect,
    require_signed_in,
    settings_of,
)
from wiki.routes.sharing_actions import CAPS, Go, _apply, _easy
from wiki.store import circle, invitations, links
from wiki.words import say


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _matrix(
    ctx: store.SiteContext,
    members: list[circle.Member],
    groups: dict[str, str],
    grants: list[circle.Grant],
) -> list[dict[str, Any]]:
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
) -> list[dict[str, Any]]:
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
    errors: dict[str, Any] | None = None,
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


routes = [
    *share_steps.routes,
    Route("/s/{site}/sharing/table", table_get, methods=["GET"]),
    Route("/s/{site}/sharing", sharing_get, methods=["GET"]),
    Route("/s/{site}/sharing", sharing_post, methods=["POST"]),
]
