"""Accepting an invitation into a circle, or the offer of a plan (issues #3, #14).

An emailed link proves that someone can read that inbox; it must never sign anyone in
by itself (issue #14: a link alone used to sign in to an existing account, in any
browser, for seven days). So:

- **The address already has an account**: accepting needs that account signed in, in
  this browser. Someone not signed in is sent to sign in and brought back to the link;
  someone signed in as another person is told so and nothing happens.
- **The address has no account yet**: accepting makes it, with a name and a password
  the person chooses here, and signs them in (the link has proved the address).
- The accept forms post with the form-cookie check every form has (``wiki.csrf``), so
  another site cannot post them for a visitor (login CSRF).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import accounts, mail
from wiki.db import Database
from wiki.errors import NotFound, WikiError
from wiki.models import Actor
from wiki.routes.auth import login_url_for, signed_in
from wiki.routes.common import actor_of, db_of, form_of, page, redirect, settings_of
from wiki.store import holders, invitations, ownership


def _base(request: Request) -> str:
    return settings_of(request).base_url.rstrip("/") or str(request.base_url).rstrip("/")


def send_offer(db: Database, request: Request, offer: ownership.Offer) -> None:
    """Email the young person (or the person a plan is handed to) the offer of the plan."""
    who = offer.from_name or "Someone"
    if offer.kind == "made-for":
        subject = f"{who} has made a plan for you: {offer.site_title}"
        body = (
            f"Hello{' ' + offer.person_name if offer.person_name else ''},\n\n{who} has started"
            f" “{offer.site_title}” on planwiki for you. It is your plan: once you accept it,"
            " you decide who can read each part and who can help write it.\n\n"
            f"Open this link to accept it (it works once, within {ownership.OFFER_DAYS} days):\n"
            f"{_base(request)}/own/{offer.token}\n\n"
            f"Until you accept, {who} looks after it for you. If you were not expecting this,"
            " you can ignore this email.\n"
        )
    else:
        subject = f"{who} wants to hand “{offer.site_title}” to you"
        body = (
            f"Hello,\n\n{who} would like you to own “{offer.site_title}” on planwiki. If you"
            " accept, it becomes yours: you decide who can read and change it.\n\n"
            f"Open this link to accept (it works once, within {ownership.OFFER_DAYS} days):\n"
            f"{_base(request)}/own/{offer.token}\n\nIf you were not expecting this, ignore this"
            " email: nothing changes.\n"
        )
    mail.send(db, to=offer.email, subject=subject, body=body)


_STILL = {
    "manage": "You can still read, change and share every part, until {who} changes that.",
    "edit": "You can still read and change every part, until {who} changes that.",
    "view": "You can still read every part, until {who} changes that.",
}


def tell_keepers(
    db: Database,
    request: Request,
    offer: ownership.Offer,
    told: list[Actor],
    *,
    accepted: bool,
    by: str = "",
) -> None:
    """Tell the people who looked after the plan that it was accepted (``by`` whom), or
    declined (issue #23)."""
    young = by or (offer.person_name if offer.kind == "made-for" else "") or offer.email
    for keeper in told:
        if accepted:
            level = holders.level_everywhere(db, offer.site_slug, keeper)
            still = _STILL.get(level, "You cannot see it any more.").format(who=young)
            subject = f"{young} has accepted “{offer.site_title}”"
            body = (
                f"Hello {keeper.name},\n\n{young} has accepted “{offer.site_title}”. It is"
                f" theirs now: they choose who can read and change each part.\n\n{still}\n\n"
                f"{_base(request)}/s/{offer.site_slug}\n"
            )
        else:
            subject = f"{young} said no thanks to “{offer.site_title}”"
            body = (
                f"Hello {keeper.name},\n\n{young} said no thanks to “{offer.site_title}”."
                " Nothing else has changed: you still look after it.\n\nYou can send the offer"
                f" again, or to another address, here:\n{_base(request)}/s/{offer.site_slug}/owner\n"
            )
        mail.send(db, to=keeper.email, subject=subject, body=body)


def _gate(request: Request, email: str, *, template: str, extra: dict[str, Any]) -> Response | None:
    """Who is at the door: None when the signed-in person may accept; else the page to show."""
    db, actor = db_of(request), actor_of(request)
    existing = accounts.find_user(db, email)
    here = request.url.path
    base = {
        "email": email,
        "existing": existing,
        "errors": {},
        "name": "",
        "login": login_url_for(here),
        **extra,
    }
    if actor.signed_in:
        if actor.email.lower() == email.lower():
            return None
        return page(request, template, {**base, "other": actor}, status=403)
    return page(request, template, base, status=200 if request.method == "GET" else 403)


async def _new_account(
    request: Request, email: str, *, template: str, extra: dict[str, Any]
) -> accounts.User | Response:
    """No account for the address yet: make it with the name and password from the form."""
    db = db_of(request)
    form = await form_of(request)
    name, password = form.get("name", "").strip(), form.get("password", "")
    errors: dict[str, str] = {}
    if not name or len(name) > 120:
        errors["name"] = "Tell us your name, as the circle will see it."
    weak = accounts.password_problem(password, email=email, name=name)
    if weak:
        errors["password"] = weak
    if errors:
        return page(request, template, {"email": email, "existing": None, "name": name,
                    "errors": errors, "login": login_url_for(request.url.path), **extra},
                    status=422)  # fmt: skip
    try:
        user = accounts.create_user(db, email=email, name=name, password=password)
    except WikiError as problem:
        return page(request, template, {"email": email, "existing": None, "name": name,
                    "errors": {"form": problem.message, **problem.fields},
                    "login": login_url_for(request.url.path), **extra}, status=problem.status)  # fmt: skip
    accounts.mark_email_verified(db, user.id)  # the link in their inbox proved the address
    return user


# ---- circle invitations -----------------------------------------------------------------


def _link_page(request: Request, opener: Any, name: str, template: str) -> Response:
    """Show an emailed link's page (an invitation or the offer of a plan): a friendly 404
    when it is used or out of date, else the sign-in gate or the accept form."""
    try:
        found = opener(db_of(request), str(request.path_params["token"]))
    except NotFound as gone:
        return page(request, "link_problem.html", {"message": gone.message}, status=404)
    shown = _gate(request, found.email, template=template, extra={name: found})
    return shown or page(request, template, {name: found, "email": found.email,
                         "me": actor_of(request), "errors": {}})  # fmt: skip


async def invite_get(request: Request) -> Response:
    return _link_page(request, invitations.open_invitation, "invite", "invite.html")


async def invite_post(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    token = str(request.path_params["token"])
    try:
        invite = invitations.open_invitation(db, token)
    except NotFound as gone:
        return page(request, "link_problem.html", {"message": gone.message}, status=404)
    if actor.signed_in or accounts.find_user(db, invite.email) is not None:
        shown = _gate(request, invite.email, template="invite.html", extra={"invite": invite})
        if shown is not None:
            return shown
        invitations.accept_invitation(db, token, user_id=int(actor.user_id or 0))
        return redirect(f"/s/{invite.site_slug}?done=joined")
    made = await _new_account(
        request, invite.email, template="invite.html", extra={"invite": invite}
    )
    if isinstance(made, Response):
        return made
    invitations.accept_invitation(db, token, user_id=made.id)
    return signed_in(request, made, method="invitation (new account)",
                     next_path=f"/s/{invite.site_slug}?done=joined")  # fmt: skip


# ---- the offer of a plan -------------------------------------------------------------------


async def offer_get(request: Request) -> Response:
    return _link_page(request, ownership.open_offer, "offer", "offer.html")


async def offer_post(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    token = str(request.path_params["token"])
    try:
        offer = ownership.open_offer(db, token)
    except NotFound as gone:
        return page(request, "link_problem.html", {"message": gone.message}, status=404)
    if (await form_of(request)).get("answer") == "no":
        return _declined(request, actor, offer, token)
    told = holders.keepers(db, offer.site_slug)
    if actor.signed_in or accounts.find_user(db, offer.email) is not None:
        shown = _gate(request, offer.email, template="offer.html", extra={"offer": offer})
        if shown is not None:
            return shown
        ownership.accept_offer(db, actor, token)
        tell_keepers(db, request, offer, told, accepted=True, by=actor.name)
        return redirect(f"/s/{offer.site_slug}?done=owner")
    made = await _new_account(request, offer.email, template="offer.html", extra={"offer": offer})
    if isinstance(made, Response):
        return made
    ownership.accept_offer(db, Actor(user_id=made.id, email=made.email, name=made.name), token)
    tell_keepers(db, request, offer, told, accepted=True, by=made.name)
    return signed_in(request, made, method="plan offer (new account)",
                     next_path=f"/s/{offer.site_slug}?done=owner")  # fmt: skip


def _declined(request: Request, actor: Actor, offer: ownership.Offer, token: str) -> Response:
    """ "No thanks": the offer ends, and the people who looked after the plan are told."""
    db = db_of(request)
    told = holders.keepers(db, offer.site_slug)
    ownership.decline_offer(db, actor, token)
    tell_keepers(db, request, offer, told, accepted=False)
    return page(request, "offer_declined.html", {"offer": offer, "told": told})


routes = [
    Route("/invite/{token}", invite_get, methods=["GET"]),
    Route("/invite/{token}", invite_post, methods=["POST"]),
    Route("/own/{token}", offer_get, methods=["GET"]),
    Route("/own/{token}", offer_post, methods=["POST"]),
]
