"""Sharing in three steps, and the confirmation that says what happened (issue #14).

One plain form with three numbered steps — who, which parts, read or help write (and an
optional end date) — so it works without JavaScript, by keyboard and on a phone. The
confirmation names the person and the section titles ("Sami can now read About me, until
1 March 2027") and offers "see it as Sami" and "undo" right there. Every change goes
through the store, which asks the rule book (``share`` on each section).

Step count from the plan home: press "Share my plan" (a page), choose the person, tick
the parts, choose read or help write, press "Share" (a page): two page loads, and the
confirmation is the second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import accounts, clock, dates, mail, store
from wiki.db import Database
from wiki.errors import Forbidden, Invalid, WikiError
from wiki.models import Actor
from wiki.routes.common import (
    db_of,
    page,
    preferences_of,
    redirect,
    require_signed_in,
    settings_of,
)
from wiki.store import activity, circle, invitations
from wiki.templates import day
from wiki.words import say

LEVELS = {"view": "read", "edit": "read and help write", "manage": "read, change and share"}


def words_list(items: list[str]) -> str:
    """'About me', 'About me and Health', 'About me, Health and School'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def now_can(who: str, level: str, titles: list[str], until: str | None, *, now: str = "now") -> str:
    """The confirmation sentence: "Sami can now read About me, until 1 March 2027."."""
    ends = f", until {day(until)}" if until else ""
    return f"{who} can {now + ' ' if now else ''}{LEVELS.get(level, level)} {words_list(titles)}{ends}."


def _can_now(easy: bool, who: str, level: str, titles: list[str], until: str | None) -> str:
    """``now_can`` in the reader's words: easy read has its own sentences (issue #16)."""
    if not easy:
        return now_can(who, level, titles, until)
    level = level if level in LEVELS else "view"
    sentence = say(f"done.can_{level}", easy=True, who=who, parts=words_list(titles))
    return sentence + (" " + say("done.until", easy=True, day=day(until)) if until else "")


def base_url(request: Request) -> str:
    return settings_of(request).base_url or str(request.base_url).rstrip("/")


def _choices(db: Database, actor: Actor, site: str) -> dict[str, Any]:
    ctx = store.site_for(db, actor, site)
    ctx.check("see-sharing")
    return {
        "ctx": ctx,
        "site": ctx.site,
        "members": circle.list_members(db, actor, site=ctx),
        "groups": circle.list_groups(db, actor, site=ctx),
        "shareable": [s for s in ctx.sections if ctx.allows("share", s.key)],
        "may_invite": ctx.allows("invite"),
    }


async def steps_get(
    request: Request,
    *,
    status: int = 200,
    errors: dict[str, Any] | None = None,
    chosen: dict[str, Any] | None = None,
) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    data = _choices(db, actor, str(request.path_params["site"]))
    q = request.query_params
    picked = chosen or {
        "who": q.get("who", ""),
        "sections": q.getlist("section"),
        "level": "view",
        "until": "",
        "name": "",
        "email": "",
    }
    return page(
        request,
        "share_steps.html",
        {**data, "chosen": picked, "errors": errors or {}, "today": store_today()},
        status=status,
    )


def store_today() -> str:
    return clock.now().date().isoformat()


def end_of_day(value: str | dates.DateValue, field: str) -> str | None:
    """A date from a form (three boxes, or ISO text) as the end of that day, UTC; empty means
    no end (issue #16: one parser for every date)."""
    found = value if isinstance(value, dates.DateValue) else dates.read({field: value}, field)
    if found.error:
        raise Invalid(found.error, fields={field: found.error})
    if not found.iso:
        return None
    chosen = date.fromisoformat(found.iso)
    return clock.iso(datetime.combine(chosen, time(23, 59, 59), tzinfo=UTC))


def send_invitation(
    db: Database, request: Request, invite: invitations.Invitation, *, inviter: Actor
) -> None:
    hello = f"Hello {invite.name}," if invite.name else "Hello,"
    mail.send(
        db,
        to=invite.email,
        subject=f"{inviter.name} invited you to {invite.site_title}",
        body=(
            f"{hello}\n\n{inviter.name} has invited you to join the circle of {invite.site_title} on planwiki"
            f"{' as ' + invite.relationship if invite.relationship else ''}.\n\n"
            f"Open this link to accept (it works once, within 7 days):\n{base_url(request)}/invite/{invite.token}\n\n"
            "If you were not expecting this, you can ignore this email.\n"
        ),
    )


def first_share_email(
    db: Database,
    request: Request,
    ctx: store.SiteContext,
    *,
    email: str,
    name: str,
    shared: list[str],
    before: dict[str, str],
    sharer: Actor,
    level: str,
) -> None:
    """A short email when something is first shared with a person: only the titles of
    the parts just shared that they could not read before and can read now — no page
    text (issue #14: a copy never widens access)."""
    after = activity.readable_titles(db, ctx, email)
    new = [after[k] for k in shared if k in after and k not in before]
    if not new:
        return
    mail.send(
        db,
        to=email,
        subject=f"{sharer.name} has shared {words_list(new)} with you",
        body=(
            f"Hello {name},\n\n{sharer.name} has shared {words_list(new)} from {ctx.site.title}"
            f" with you on planwiki. You can {LEVELS.get(level, level)} "
            f"{'it' if len(new) == 1 else 'them'}.\n\n"
            f"Open it here: {base_url(request)}/s/{ctx.site.slug}\n"
        ),
    )


def recipients_of(
    db: Database, actor: Actor, ctx: store.SiteContext, *, person: str | None, group: str | None
) -> list[circle.Member]:
    """Who a new share with a person or a group reaches, for the first-share email. A
    section manager may not list the circle: then a group's members are not told."""
    try:
        members = circle.list_members(db, actor, site=ctx)
    except Forbidden:
        if person is None:
            return []
        found = accounts.find_user(db, person)
        return [circle.Member(0, person, found.name, "", [])] if found else []
    if person is not None:
        return _recipients(members, "person", person)
    return _recipients(members, "group", group or "")


def _recipients(members: list[circle.Member], kind: str, ident: str) -> list[circle.Member]:
    if kind == "person":
        return [m for m in members if m.email == ident]
    return [m for m in members if ident in m.groups]


async def steps_post(request: Request) -> Response:
    db, actor = db_of(request), require_signed_in(request)
    site = str(request.path_params["site"])
    form = await request.form()
    get: Callable[[str], str] = lambda name: str(form.get(name, "")).strip()  # noqa: E731
    chosen = {
        "who": get("who"),
        "sections": [str(s) for s in form.getlist("sections")],
        "level": get("level") or "view",
        "until": dates.read(form, "until"),  # three boxes, kept as typed (issue #16)
        "name": get("name"),
        "email": get("email"),
    }
    try:
        return _share(db, request, actor, site, chosen)
    except WikiError as problem:
        return await steps_get(
            request,
            status=problem.status if problem.status != 404 else 422,
            errors={"form": problem.message, **problem.fields},
            chosen=chosen,
        )


def _share(
    db: Database, request: Request, actor: Actor, site: str, chosen: dict[str, Any]
) -> Response:
    data = _choices(db, actor, site)
    ctx = data["ctx"]
    who, sections, level = chosen["who"], chosen["sections"], chosen["level"]
    problems = {}
    if not who:
        problems["who"] = "Choose a person, a group, or someone new."
    if not sections:
        problems["sections"] = "Tick at least one part of the plan."
    if level not in ("view", "edit"):
        problems["level"] = "Choose read, or read and help write."
    if who == "new" and (not chosen["name"] or "@" not in chosen["email"]):
        problems["new"] = "Give their name and their email address."
    if problems:
        raise Invalid("Some choices are missing: " + " ".join(problems.values()), fields=problems)
    until = end_of_day(chosen["until"], "until")
    if who == "new":
        invite = invitations.create_invitation(
            db,
            actor,
            site=ctx,
            email=accounts.normalise_email(chosen["email"]),
            name=chosen["name"],
            grants=[
                {"section": s, "capability": level, **({"expires_at": until} if until else {})}
                for s in sections
            ],
        )
        send_invitation(db, request, invite, inviter=actor)
        return redirect(f"/s/{site}/sharing/done?" + urlencode({"i": invite.id}))
    kind, _, ident = who.partition(":")
    if kind not in ("person", "group") or not ident:
        raise Invalid("Choose who to share with.", fields={"who": "Choose someone."})
    recipients = _recipients(data["members"], kind, ident)
    before = {m.email: activity.readable_titles(db, ctx, m.email) for m in recipients}
    made = [
        circle.add_grant(
            db,
            actor,
            site=ctx,
            section=section,
            capability=level,
            expires_at=until,
            **({"person": ident} if kind == "person" else {"group": ident}),
        )
        for section in sections
    ]
    for m in recipients:
        first_share_email(
            db,
            request,
            ctx,
            email=m.email,
            name=m.name,
            shared=sections,
            before=before[m.email],
            sharer=actor,
            level=level,
        )
    return redirect(f"/s/{site}/sharing/done?" + urlencode([("g", g.id) for g in made]))


# ---- the confirmation ------------------------------------------------------------------


def _spec(section: str, capability: str, until: str | None) -> str:
    return f"{section}|{capability}|{until or ''}"


def _unspec(value: str) -> tuple[str, str, str | None]:
    section, _, rest = value.partition("|")
    capability, _, until = rest.partition("|")
    return section, capability, until or None


async def done_get(request: Request) -> Response:
    """What just happened, in names and titles, worked out from the records (never from
    words in the address), with "see it as" and "undo"."""
    db, actor = db_of(request), require_signed_in(request)
    data = _choices(db, actor, str(request.path_params["site"]))
    ctx, q = data["ctx"], request.query_params
    titles = {s.key: s.title for s in ctx.sections} | {"*": "every part of the plan"}
    names = {m.email: m.name for m in data["members"]}
    easy = preferences_of(request).easy_read
    said: list[str] = []
    undo: dict[str, Any] = {}
    person = None
    if q.getlist("g"):
        ids = {int(i) for i in q.getlist("g") if i.isdigit()}
        made = [g for g in circle.list_grants(db, actor, site=ctx) if g.id in ids]
        if made:
            first = made[0]
            who = (
                names.get(first.person or "", "")
                or f"The {data['groups'].get(first.group or '', '')} group"
            )
            person = first.person
            by_level: dict[tuple[str, str | None], list[str]] = {}
            for g in made:
                by_level.setdefault((g.capability, g.expires_at), []).append(
                    titles.get(g.section, "")
                )
            said = [_can_now(easy, who, lvl, ts, until) for (lvl, until), ts in by_level.items()]
            undo = {"action": "undo-share", "grants": [g.id for g in made]}
    elif q.get("i", "").isdigit():
        found = [
            i for i in invitations.list_invitations(db, actor, site=ctx) if i.id == int(q["i"])
        ]
        if found:
            inv = found[0]
            parts = [titles.get(g["section"], "") for g in inv.grants]
            level = inv.grants[0]["capability"] if inv.grants else "view"
            until = inv.grants[0].get("expires_at") if inv.grants else None
            ends = f", until {day(until)}" if until else ""
            said = [
                say("done.invited", easy=easy, name=inv.called),
                f"When {inv.called} accepts, they can {LEVELS.get(level, level)}"
                f" {words_list(parts)}{ends}."
                if not easy
                else say("done.when_accepts", easy=True, name=inv.called),
            ]
            undo = {"action": "cancel-invite", "invitation": inv.id}
    elif q.get("who"):
        kind, _, ident = q["who"].partition(":")
        known = ident in names if kind == "person" else ident in data["groups"]
        who = names.get(ident, "") if kind == "person" else f"The {data['groups'].get(ident)} group"
        if known:
            person = ident if kind == "person" else None
            specs = [_unspec(r) for r in q.getlist("r")]
            took = [titles.get(s, "") for s, _, _ in specs if titles.get(s)]
            if q.get("did") == "stopped":
                said = [say("done.stopped", easy=easy, who=who)]
            elif took:
                said = [say("done.took_back", easy=easy, who=who, parts=words_list(took))]
            undo = {
                "action": "restore",
                "who": q["who"],
                "r": q.getlist("r"),
                "grp": q.getlist("grp"),
            }
    if not said:
        said = [say("done.nothing", easy=easy)]
        undo = {}
    return page(
        request,
        "share_done.html",
        {
            **data,
            "said": said,
            "undo": undo,
            "person": person,
            "person_name": names.get(person or "", ""),
        },
    )


routes = [
    Route("/s/{site}/sharing/new", steps_get, methods=["GET"]),
    Route("/s/{site}/sharing/new", steps_post, methods=["POST"]),
    Route("/s/{site}/sharing/done", done_get, methods=["GET"]),
]
