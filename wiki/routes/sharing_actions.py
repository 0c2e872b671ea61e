"""What the sharing page's forms do (issue #14): share, take back, invite, add to the circle,
make a guest link, change groups, the weekly email — each through the store, each answered
with a notice in the reader's own words or a confirmation to go to. The page itself is
``wiki.routes.sharing``."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request

from wiki import accounts, clock, dates, store
from wiki.db import Database
from wiki.errors import Forbidden, Invalid, NotFound
from wiki.models import Actor, is_slug
from wiki.routes.common import (
    preferences_of,
)
from wiki.routes.share_steps import _spec, _unspec, end_of_day, send_invitation
from wiki.store import activity, circle, invitations, links
from wiki.words import say

# The levels the all-in-one table offers, in order.
CAPS = ["none", "view", "edit", "manage"]


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


def _apply_more(
    db: Database, actor: Actor, site: str, action: str, form: FormData, request: Request
) -> str | None:
    """The actions of issue #14: take back with undo, stop sharing, invitations, digest."""
    get: Callable[[str], str] = lambda name: str(form.get(name, "")).strip()  # noqa: E731
    ctx = store.site_for(db, actor, site)
    if action == "take-back" or action == "undo-share":
        ids = {int(i) for i in [*form.getlist("grants"), get("grant")] if str(i).isdigit()}  # type: ignore[arg-type]  # isdigit() lets only text through; FormData allows an upload
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
            for section, cap, until in map(_unspec, form.getlist("r"))  # type: ignore[arg-type]  # these fields are text; FormData allows an upload
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


def _apply(
    db: Database, actor: Actor, site: str, action: str, form: FormData, request: Request
) -> str | links.GuestLink:
    get: Callable[[str], str] = lambda name: str(form.get(name, "")).strip()  # noqa: E731
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
            groups=form.getlist("groups"),  # type: ignore[arg-type]  # these fields are text; FormData allows an upload
        )
        return say("notice.member_added", easy=_easy(request))
    if action == "remove-member":
        circle.remove_member(db, actor, site=site, email=get("email"))
        return say("notice.member_removed", easy=_easy(request))
    if action == "groups":
        circle.set_member_groups(
            db,
            actor,
            site=site,
            email=get("email"),
            groups=form.getlist("groups"),  # type: ignore[arg-type]  # these fields are text; FormData allows an upload
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
            groups=form.getlist("groups"),  # type: ignore[arg-type]  # these fields are text; FormData allows an upload
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


def _save_matrix(db: Database, actor: Actor, site: str, form: FormData) -> str:
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
