"""Sharing through the JSON API: grants, invitations, guest links, circle, audit (issue #3).

Registered on the same ``api`` as the core endpoints, so they appear in openapi.json.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from wiki import accounts, store
from wiki.errors import Invalid, NotFound
from wiki.models import (
    AuditOut,
    GrantCreate,
    GrantOut,
    InvitationCreate,
    InvitationOut,
    LinkCreate,
    LinkOut,
    MemberCreate,
    MemberOut,
)
from wiki.routes import share_steps
from wiki.routes.api import _actor, _body, _p, api, ok
from wiki.routes.common import db_of, settings_of
from wiki.routes.share_steps import send_invitation
from wiki.store import activity, circle, invitations, links, oversight


def _iso(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(
            f"{field} must be an ISO-8601 date and time.", fields={field: "Not a date."}
        ) from None
    if moment.tzinfo is None:
        raise Invalid(
            f"{field} needs a time zone, like 2027-03-03T23:59:00Z.",
            fields={field: "No time zone."},
        )
    from wiki import clock

    return clock.iso(moment)


def _grant_out(g: circle.Grant) -> GrantOut:
    return GrantOut(
        id=g.id,
        person=g.person,
        group=g.group,
        section=g.section,
        capability=g.capability,  # type: ignore[arg-type]  # checked by the database
        expires_at=g.expires_at,
    )


@api.route(
    "GET", "/sites/{site}/grants", summary="Sharing rules (owner and stewards)", response=[GrantOut]
)
async def grants_list(request: Request) -> Response:
    grants = circle.list_grants(db_of(request), _actor(request), site=_p(request, "site"))
    return ok([_grant_out(g) for g in grants])


@api.route(
    "POST",
    "/sites/{site}/grants",
    summary="Share a section (or '*') with a person or group",
    body=GrantCreate,
    response=GrantOut,
    status=201,
)
async def grants_create(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, GrantCreate)
    db = db_of(request)
    ctx = store.site_for(db, actor, _p(request, "site"))
    person = accounts.normalise_email(body.person) if body.person else None
    # The same short email as the three steps when something is first shared (issue #14).
    told = share_steps.recipients_of(db, actor, ctx, person=person, group=body.group)
    before = {m.email: activity.readable_titles(db, ctx, m.email) for m in told}
    grant = circle.add_grant(
        db,
        actor,
        site=ctx,
        section=body.section,
        capability=body.capability,
        person=person,
        group=body.group,
        expires_at=_iso(body.expires_at, "expires_at"),
    )
    sections = [s.key for s in ctx.sections] if body.section == "*" else [body.section]
    for m in told:
        share_steps.first_share_email(db, request, ctx, email=m.email, name=m.name,
                                      shared=sections, before=before[m.email], sharer=actor,
                                      level=body.capability)  # fmt: skip
    return ok(_grant_out(grant), 201)


@api.route(
    "DELETE", "/sites/{site}/grants/{grant_id:int}", summary="Take a sharing rule back", status=204
)
async def grants_delete(request: Request) -> Response:
    circle.revoke_grant(
        db_of(request),
        _actor(request),
        site=_p(request, "site"),
        grant_id=int(request.path_params["grant_id"]),
    )
    return Response(status_code=204)


@api.route(
    "POST",
    "/sites/{site}/invitations",
    summary="Invite someone by email into the circle",
    body=InvitationCreate,
    response=InvitationOut,
    status=201,
)
async def invitations_create(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, InvitationCreate)
    db = db_of(request)
    invite = invitations.create_invitation(
        db,
        actor,
        site=_p(request, "site"),
        email=accounts.normalise_email(body.email),
        relationship=body.relationship,
        groups=body.groups,
        grants=body.grants,
    )
    send_invitation(db, request, invite, inviter=actor)
    return ok(InvitationOut(id=invite.id, email=invite.email, expires_at=invite.expires_at), 201)


def _link_out(request: Request, link: links.GuestLink) -> LinkOut:
    base = settings_of(request).base_url or str(request.base_url).rstrip("/")
    return LinkOut(
        id=link.id,
        section=link.section,
        url=f"{base}/g/{link.token}" if link.token else "",
        expires_at=link.expires_at,
        label=link.label,
        revoked=link.revoked_at is not None,
    )


@api.route(
    "GET",
    "/sites/{site}/links",
    summary="Guest links (their secret address is shown only at creation)",
    response=[LinkOut],
)
async def links_list(request: Request) -> Response:
    found = links.list_guest_links(db_of(request), _actor(request), site=_p(request, "site"))
    return ok([_link_out(request, link) for link in found])


@api.route(
    "POST",
    "/sites/{site}/links",
    summary="Make a read-only guest link to one section",
    body=LinkCreate,
    response=LinkOut,
    status=201,
)
async def links_create(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, LinkCreate)
    link = links.create_guest_link(
        db_of(request),
        actor,
        site=_p(request, "site"),
        section=body.section,
        expires_at=_iso(body.expires_at, "expires_at"),
        label=body.label,
    )
    return ok(_link_out(request, link), 201)


@api.route(
    "DELETE", "/sites/{site}/links/{link_id:int}", summary="Switch a guest link off", status=204
)
async def links_delete(request: Request) -> Response:
    links.revoke_guest_link(
        db_of(request),
        _actor(request),
        site=_p(request, "site"),
        link_id=int(request.path_params["link_id"]),
    )
    return Response(status_code=204)


@api.route(
    "GET", "/sites/{site}/audit", summary="The audit log (owner and stewards)", response=[AuditOut]
)
async def audit_list(request: Request) -> Response:
    q = request.query_params
    entries = oversight.list_audit(
        db_of(request),
        _actor(request),
        site=_p(request, "site"),
        person=q.get("person"),
        section=q.get("section"),
        action=q.get("action"),
    )
    return ok(
        [
            AuditOut(
                at=e.at,
                who=e.who,
                person=e.email,
                action=e.action,
                section=e.section,
                page=e.page_title,
                detail=e.detail,
            )
            for e in entries
        ]
    )


@api.route("GET", "/sites/{site}/members", summary="The circle", response=[MemberOut])
async def members_list(request: Request) -> Response:
    found = circle.list_members(db_of(request), _actor(request), site=_p(request, "site"))
    return ok(
        [
            MemberOut(person=m.email, name=m.name, relationship=m.relationship, groups=m.groups)
            for m in found
        ]
    )


@api.route(
    "POST",
    "/sites/{site}/members",
    summary="Add an existing account to the circle",
    body=MemberCreate,
    response=MemberOut,
    status=201,
)
async def members_create(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, MemberCreate)
    m = circle.add_member(
        db_of(request),
        actor,
        site=_p(request, "site"),
        email=accounts.normalise_email(body.person),
        relationship=body.relationship,
        groups=body.groups,
    )
    return ok(
        MemberOut(person=m.email, name=m.name, relationship=m.relationship, groups=m.groups), 201
    )


@api.route(
    "DELETE", "/sites/{site}/members/{email}", summary="Remove someone from the circle", status=204
)
async def members_delete(request: Request) -> Response:
    email = _p(request, "email")
    if "@" not in email:
        raise NotFound("That person is not in the circle.")
    circle.remove_member(db_of(request), _actor(request), site=_p(request, "site"), email=email)
    return Response(status_code=204)
