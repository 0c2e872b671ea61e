"""The account page (issue #4): your name, your password, where you are signed in, and your
personal access tokens for the JSON API.

Only a browser session may use it: a personal access token can read and write plans
through the API, but it cannot mint more tokens or end anyone's sessions.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import accounts
from wiki.errors import Forbidden, NotFound, WikiError
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor
from wiki.routes.auth import oidc_clients
from wiki.routes.common import db_of, form_of, page, redirect, require_signed_in, settings_of

DONE = {
    "name": "Your name has been saved.",
    "password": "Your new password has been saved. You have been signed out everywhere else.",
    "password-reset": "Your new password has been saved, and you have been signed out everywhere else.",
    "session-ended": "That session has been ended: it is signed out.",
    "others-ended": "You have been signed out everywhere else.",
    "token-revoked": "The token has been revoked. Anything still using it will stop working now.",
}


def _me(request: Request) -> tuple[Actor, accounts.User]:
    actor = require_signed_in(request)
    if actor.session_id is None:
        raise Forbidden("The account page needs you to sign in in a browser, not with a token.")
    user = accounts.get_user(db_of(request), actor.user_id or 0)
    if user is None:
        raise NotFound()
    return actor, user


def device_of(user_agent: str) -> str:
    """A browser's User-Agent in a few plain words: 'Firefox on Windows'."""
    ua = user_agent or ""
    browser = next((name for pattern, name in (
        (r"Edg/", "Edge"), (r"OPR/|Opera", "Opera"), (r"Firefox/", "Firefox"), (r"Chrom(e|ium)/", "Chrome"),
        (r"Safari/", "Safari"), (r"curl/|python-|httpx|Playwright", "a program"),
    ) if re.search(pattern, ua)), "A browser")  # fmt: skip
    system = next((name for pattern, name in (
        (r"iPhone|iPad|iOS", "iPhone or iPad"), (r"Android", "Android"), (r"Windows", "Windows"),
        (r"Mac OS X|Macintosh", "Mac"), (r"CrOS", "Chromebook"), (r"Linux", "Linux"),
    ) if re.search(pattern, ua)), "")  # fmt: skip
    return f"{browser} on {system}" if system else browser


def _account_page(
    request: Request, actor: Actor, user: accounts.User, *, status: int = 200, **extra: object
) -> Response:
    db = db_of(request)
    sessions = accounts.list_sessions(db, user.id, current_id=actor.session_id)
    names = {p.key: p.name for p in oidc_clients(request).providers.values()}
    context = {
        "user": user,
        "has_password": accounts.has_password(db, user.id),
        "sessions": [{"info": s, "device": device_of(s.user_agent)} for s in sessions],
        "tokens": accounts.list_tokens(db, user.id),
        "identities": [
            {**i, "provider_name": names.get(i["provider"], i["provider"])}
            for i in accounts.list_identities(db, user.id)
        ],
        "done": DONE.get(request.query_params.get("done", "")),
        "errors": {},
        **extra,
    }
    return page(request, "account.html", context, status=status)


async def account(request: Request) -> Response:
    actor, user = _me(request)
    return _account_page(request, actor, user)


async def rename(request: Request) -> Response:
    actor, user = _me(request)
    form = await form_of(request)
    try:
        accounts.rename_user(db_of(request), user.id, form.get("name", ""))
    except WikiError as problem:
        return _account_page(request, actor, user, status=problem.status, error=problem.message,
                             errors={"name": problem.message})  # fmt: skip
    return redirect("/account?done=name")


async def change_password(request: Request) -> Response:
    actor, user = _me(request)
    db = db_of(request)
    form = await form_of(request)
    if accounts.has_password(db, user.id):
        current = form.get("current_password", "")
        keys = ["email:" + user.email]
        try:
            accounts.check_rate(db, keys, limit=settings_of(request).login_attempts_per_15_minutes)
        except WikiError as slow:
            return _account_page(request, actor, user, status=slow.status, error=slow.message)
        if accounts.check_password(db, email=user.email, password=current) is None:
            accounts.note_failure(db, keys)
            message = "That is not your current password. Check it and try again."
            return _account_page(request, actor, user, status=400, error=message,
                                 errors={"current_password": message})  # fmt: skip
    try:
        accounts.set_password(db, user, form.get("password", ""))
    except WikiError as problem:
        return _account_page(request, actor, user, status=problem.status, error=problem.message,
                             errors={"password": problem.message})  # fmt: skip
    accounts.end_all_sessions(db, user.id, except_id=actor.session_id)
    return redirect("/account?done=password")


async def end_session(request: Request) -> Response:
    actor, user = _me(request)
    try:
        handle = int(request.path_params["handle"])
    except ValueError:
        raise NotFound() from None
    sessions = accounts.list_sessions(db_of(request), user.id, current_id=actor.session_id)
    this_one = any(s.current and s.handle == handle for s in sessions)
    if not accounts.end_session_by_handle(db_of(request), user.id, handle):
        raise NotFound("That session has already ended.")
    if this_one:
        # The person ended the session they are using: they are signed out here too.
        response = redirect("/login?signed_out=1")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return redirect("/account?done=session-ended")


async def end_other_sessions(request: Request) -> Response:
    actor, user = _me(request)
    accounts.end_all_sessions(db_of(request), user.id, except_id=actor.session_id)
    return redirect("/account?done=others-ended")


async def end_all_sessions(request: Request) -> Response:
    """Sign out everywhere, this browser included."""
    _, user = _me(request)
    accounts.end_all_sessions(db_of(request), user.id)
    response = redirect("/login?ended=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def create_token(request: Request) -> Response:
    actor, user = _me(request)
    form = await form_of(request)
    name = form.get("name", "")
    try:
        secret = accounts.create_token(db_of(request), user, name=name)
    except WikiError as problem:
        return _account_page(request, actor, user, status=problem.status, error=problem.message,
                             errors={"token_name": problem.message}, token_name=name)  # fmt: skip
    # Shown on this one answer only (never stored, never in an address, never cached).
    return _account_page(
        request, actor, user, status=201, new_token=secret, new_token_name=name.strip()
    )


async def revoke_token(request: Request) -> Response:
    _, user = _me(request)
    try:
        token_id = int(request.path_params["token_id"])
    except ValueError:
        raise NotFound() from None
    if not accounts.revoke_token(db_of(request), user.id, token_id):
        raise NotFound("That token does not exist or was already revoked.")
    return redirect("/account?done=token-revoked")


routes = [
    Route("/account", account, methods=["GET"]),
    Route("/account/name", rename, methods=["POST"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/sessions/{handle}/end", end_session, methods=["POST"]),
    Route("/account/sessions/end-others", end_other_sessions, methods=["POST"]),
    Route("/account/sessions/end-all", end_all_sessions, methods=["POST"]),
    Route("/account/tokens", create_token, methods=["POST"]),
    Route("/account/tokens/{token_id}/revoke", revoke_token, methods=["POST"]),
]
