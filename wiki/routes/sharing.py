"""The sharing page: who can see what, changeable in place; circle, groups, links, invitations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import access as policy
from wiki import accounts, clock, mail, store
from wiki.db import Database
from wiki.errors import Invalid, NotFound, WikiError
from wiki.models import Actor, Capability, GrantRow, is_slug
from wiki.routes.common import (
    actor_of,
    db_of,
    off_loop,
    page,
    redirect,
    require_signed_in,
    settings_of,
)
from wiki.store import circle, links

CAPS = ["none", "view", "edit", "manage"]


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


def end_of_day(value: str, field: str) -> str | None:
    """A date from a form ('2026-03-03') as the end of that day, UTC; empty means no end."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid("Enter the date like 2027-03-03.", fields={field: "Not a date."}) from None
    return clock.iso(datetime.combine(day, time(23, 59, 59), tzinfo=UTC))


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


def _rules(
    ctx: store.SiteContext,
    members: list[circle.Member],
    groups: dict[str, str],
    grants: list[circle.Grant],
) -> list[dict]:
    """Every sharing rule as a sentence with names and section titles, never emails or keys."""
    names = {m.email: m.name for m in members}
    titles = {s.key: s.title for s in ctx.sections}
    out = []
    for g in grants:
        who = (
            names.get(g.person or "", g.person or "")
            if g.person
            else f"The {groups.get(g.group or '', g.group)} group"
        )
        where = "every section" if g.section == "*" else titles.get(g.section, g.section)
        out.append({"grant": g, "text": policy.describe(_row(g), who=who, where=where)})
    return out


def _sharing_data(db: Database, actor: Actor, site: str) -> tuple[Any, ...]:
    ctx = store.site_for(db, actor, site)
    ctx.check("see-sharing")
    return (
        ctx,
        circle.list_members(db, actor, site=ctx),
        circle.list_groups(db, actor, site=ctx),
        circle.list_grants(db, actor, site=ctx),
        links.list_guest_links(db, actor, site=ctx),
    )


async def sharing_page(
    request: Request,
    *,
    status: int = 200,
    errors: dict | None = None,
    created_link: links.GuestLink | None = None,
    notice: str = "",
) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = _p(request, "site")
    ctx, members, groups, grants, guest_links = await off_loop(_sharing_data, db, actor, site)
    return page(
        request,
        "sharing.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "members": members,
            "groups": groups,
            "grants": grants,
            "rows": _matrix(ctx, members, groups, grants),
            "rules": _rules(ctx, members, groups, grants),
            "caps": CAPS,
            "links": guest_links,
            "created_link": created_link,
            "base_url": settings_of(request).base_url or str(request.base_url).rstrip("/"),
            "errors": errors or {},
            "notice": notice or request.query_params.get("done", ""),
            "today": clock.now().date().isoformat(),
        },
        status=status,
    )


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
    if isinstance(notice, links.GuestLink):
        return await sharing_page(
            request,
            created_link=notice,
            notice="The guest link is ready. Copy it now: it is shown only once.",
        )
    return redirect(f"/s/{site}/sharing?done={notice}")


def _apply(db, actor: Actor, site: str, action: str, form, request: Request):
    get = lambda name: str(form.get(name, "")).strip()  # noqa: E731
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
            expires_at=end_of_day(get("until"), "until"),
            **({"person": ident} if kind == "person" else {"group": ident}),
        )
        return "Shared."
    if action == "revoke":
        if not get("grant").isdigit():
            raise Invalid("Choose a sharing rule to remove.")
        circle.revoke_grant(db, actor, site=site, grant_id=int(get("grant")))
        return "Removed. It stops working straight away."
    if action == "member":
        circle.add_member(
            db,
            actor,
            site=site,
            email=accounts.normalise_email(get("email")),
            relationship=get("relationship"),
            groups=form.getlist("groups"),
        )
        return "Added to the circle."
    if action == "remove-member":
        circle.remove_member(db, actor, site=site, email=get("email"))
        return "Removed from the circle. They can no longer see anything."
    if action == "groups":
        circle.set_member_groups(
            db, actor, site=site, email=get("email"), groups=form.getlist("groups")
        )
        return "Groups updated."
    if action == "group":
        title = get("title")
        key = get("key") or "-".join(title.lower().split())
        if not title or not is_slug(key[:60]):
            raise Invalid(
                "Give the group a short name, like 'Swimming club'.", fields={"title": "Needed."}
            )
        circle.add_group(db, actor, site=site, key=key[:60], title=title[:80])
        return "Group added."
    if action == "invite":
        invite = links.create_invitation(
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
        return "Invitation sent. It works once and lasts 7 days."
    if action == "link":
        return links.create_guest_link(
            db,
            actor,
            site=site,
            section=get("section"),
            expires_at=end_of_day(get("until"), "until"),
            label=get("label"),
        )
    if action == "revoke-link":
        if not get("link").isdigit():
            raise Invalid("Choose a link.")
        links.revoke_guest_link(db, actor, site=site, link_id=int(get("link")))
        return "The link is switched off. Nobody can open it now."
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


def send_invitation(db, request: Request, invite: links.Invitation, *, inviter: Actor) -> None:
    base = settings_of(request).base_url or str(request.base_url).rstrip("/")
    mail.send(
        db,
        to=invite.email,
        subject=f"{inviter.name} invited you to {invite.site_title}",
        body=(
            f"Hello,\n\n{inviter.name} has invited you to join the circle of {invite.site_title} on planwiki"
            f"{' as ' + invite.relationship if invite.relationship else ''}.\n\n"
            f"Open this link to accept (it works once, within 7 days):\n{base}/invite/{invite.token}\n\n"
            "If you were not expecting this, you can ignore this email.\n"
        ),
    )


routes = [
    Route("/s/{site}/sharing", sharing_get, methods=["GET"]),
    Route("/s/{site}/sharing", sharing_post, methods=["POST"]),
]
_ = actor_of  # re-exported for the oversight routes
