"""Signing in and out with a password (single sign-on and email links: issue #4)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import accounts
from wiki.errors import Forbidden, SlowDown
from wiki.middleware import SESSION_COOKIE, cookies_of
from wiki.routes.common import actor_of, db_of, form_of, page, redirect, safe_next, settings_of


def _client_key(request: Request) -> str:
    return "ip:" + (request.client.host if request.client else "unknown")


async def login_form(request: Request) -> Response:
    return page(request, "login.html", {"next": safe_next(request.query_params.get("next")), "email": ""})


async def login(request: Request) -> Response:
    db, settings = db_of(request), settings_of(request)
    if "csrftoken" not in cookies_of(request.scope):
        # asgi-csrf lets cookie-less posts through by design; a sign-in form must not,
        # or another site could sign you in as someone else (login CSRF).
        raise Forbidden("Your browser did not send the sign-in form's security check. "
                        "Please make sure cookies are allowed, then try again.")  # fmt: skip
    form = await form_of(request)
    email = form.get("email", "").strip().lower()
    password = form.get("password", "")
    next_path = safe_next(form.get("next"))
    keys = ["email:" + email, _client_key(request)]
    context = {"next": next_path, "email": email}
    try:
        accounts.check_rate(db, keys, limit=settings.login_attempts_per_15_minutes)
    except SlowDown as slow:
        response = page(request, "login.html", {**context, "error": slow.message}, status=429)
        response.headers["retry-after"] = str(slow.retry_after)
        return response
    user = accounts.check_password(db, email=email, password=password) if email and password else None
    if user is None:
        accounts.note_failure(db, keys)
        # The same words whether or not the email has an account (no enumeration).
        return page(
            request, "login.html",
            {**context, "error": "That email and password do not match. Check them and try again."},
            status=400,
        )  # fmt: skip
    accounts.clear_failures(db, ["email:" + email])
    old = cookies_of(request.scope).get(SESSION_COOKIE)
    if old:
        accounts.end_session(db, old)
    secret = accounts.start_session(
        db, user, absolute_hours=settings.session_absolute_hours,
        user_agent=request.headers.get("user-agent", ""),
    )  # fmt: skip
    response = redirect(next_path)
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=settings.secure_cookies,
        max_age=settings.session_absolute_hours * 3600, path="/",
    )  # fmt: skip
    return response


async def logout(request: Request) -> Response:
    secret = cookies_of(request.scope).get(SESSION_COOKIE)
    if secret:
        accounts.end_session(db_of(request), secret)
    response = redirect("/login?signed_out=1" if actor_of(request).signed_in else "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
