"""Signing in and out (issue #4): a password, an email link, or an organisation's single
sign-on (OpenID Connect); password reset by email link.

Every way in ends in ``signed_in``, which throws away any session the browser had and
starts a new one (no session fixation). Emailed links and single sign-on requests are
bound to the browser that asked for them by a random cookie whose digest is stored
with them, so a link or a provider's answer that reaches another browser is useless.
Asking for a link or a reset gets the same answer whether or not the address has an
account, and is rate limited per address and per network address.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote, urlencode

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import accounts, mail
from wiki.db import Database
from wiki.errors import Invalid, SlowDown, WikiError
from wiki.middleware import SESSION_COOKIE, cookies_of
from wiki.models import Actor
from wiki.oidc import Clients, ProviderUnavailable, SignInFailed
from wiki.routes import drafts
from wiki.routes.common import actor_of, db_of, form_of, page, redirect, safe_next, settings_of
from wiki.settings import Settings

log = logging.getLogger("planwiki.auth")

# A random value that ties emailed links and single sign-on requests to this browser.
BROWSER_COOKIE = "planwiki_signin"
BROWSER_COOKIE_DAYS = 1
OIDC_REQUEST_MINUTES = 10


def _client_key(request: Request) -> str:
    return "ip:" + (request.client.host if request.client else "unknown")


def _base_url(request: Request) -> str:
    """The public address for links in emails: the operator's setting, else this request's."""
    configured = settings_of(request).base_url.rstrip("/")
    return configured or str(request.base_url).rstrip("/")


def set_session_cookie(response: Response, secret: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=settings.secure_cookies,
        max_age=settings.session_absolute_hours * 3600, path="/",
    )  # fmt: skip


def signed_in(
    request: Request, user: accounts.User, *, method: str, next_path: str = "/"
) -> Response:
    """Sign ``user`` in on this browser and go to ``next_path`` (a local path).

    Any session the browser already had is ended and a new secret issued, whatever the
    way in (password, email link, single sign-on, an accepted invitation).
    """
    db, settings = db_of(request), settings_of(request)
    old = cookies_of(request.scope).get(SESSION_COOKIE)
    if old:
        accounts.end_session(db, old)
    secret = accounts.start_session(
        db, user, absolute_hours=settings.session_absolute_hours,
        user_agent=request.headers.get("user-agent", ""), method=method,
    )  # fmt: skip
    response = redirect(safe_next(next_path))
    set_session_cookie(response, secret, settings)
    return response


def _browser_secret(request: Request) -> str:
    return cookies_of(request.scope).get(BROWSER_COOKIE) or secrets.token_urlsafe(32)


def _keep_browser_secret(response: Response, secret: str, settings: Settings) -> None:
    response.set_cookie(
        BROWSER_COOKIE, secret, httponly=True, samesite="lax", secure=settings.secure_cookies,
        max_age=BROWSER_COOKIE_DAYS * 86400, path="/login",
    )  # fmt: skip


def oidc_clients(request: Request) -> Clients:
    """The app's single sign-on clients, made on first use (they cache keys)."""
    state = request.app.state
    clients: Clients | None = getattr(state, "oidc_clients", None)
    if clients is None:
        settings = settings_of(request)
        try:
            providers = settings.providers()
        except (OSError, ValueError):
            # A broken single sign-on file must not lock people out of the other ways in.
            log.exception("single sign-on is off: could not read %s", settings.oidc_config)
            providers = []
        clients = Clients(providers, timeout=settings.oidc_timeout_seconds)
        state.oidc_clients = clients
    return clients


def _login_context(request: Request, **extra: object) -> dict[str, object]:
    next_path = safe_next(str(extra.pop("next", None) or request.query_params.get("next") or "/"))
    providers = [
        {"key": p.key, "name": p.name,
         "url": f"/login/oidc/{p.key}" + (f"?{urlencode({'next': next_path})}" if next_path != "/" else "")}
        for p in oidc_clients(request).providers.values()
    ]  # fmt: skip
    return {"next": next_path, "email": "", "providers": providers, "errors": {}, **extra}


def _problem(
    request: Request, *, title: str, message: str, status: int, kind: str = ""
) -> Response:
    return page(request, "signin_problem.html", {"title": title, "message": message, "kind": kind},
                status=status)  # fmt: skip


# ---- password ------------------------------------------------------------------------


async def login_form(request: Request) -> Response:
    return page(request, "login.html", _login_context(request))


async def login(request: Request) -> Response:
    db, settings = db_of(request), settings_of(request)
    form = await form_of(request)
    email = form.get("email", "").strip().lower()
    password = form.get("password", "")
    next_path = safe_next(form.get("next"))
    keys = ["email:" + email, _client_key(request)]
    context = _login_context(request, next=next_path, email=email)
    try:
        accounts.check_rate(db, keys, limit=settings.login_attempts_per_15_minutes)
    except SlowDown as slow:
        response = page(request, "login.html", {**context, "error": slow.message}, status=429)
        response.headers["retry-after"] = str(slow.retry_after)
        return response
    user = (
        accounts.check_password(db, email=email, password=password) if email and password else None
    )
    if user is None:
        accounts.note_failure(db, keys)
        # The same words whether or not the email has an account (no enumeration).
        return page(
            request, "login.html",
            {**context, "error": "That email and password do not match. Check them and try again."},
            status=400,
        )  # fmt: skip
    accounts.clear_failures(db, ["email:" + email])
    if form.get("carried"):  # signing in from the page that showed their words back (#26)
        me = Actor(user_id=user.id, email=user.email, name=user.name)
        next_path = drafts.keep_carried(request, form, me) or next_path
    return signed_in(request, user, method="password", next_path=next_path)


async def logout(request: Request) -> Response:
    secret = cookies_of(request.scope).get(SESSION_COOKIE)
    if secret:
        accounts.end_session(db_of(request), secret)
    response = redirect("/login?signed_out=1" if actor_of(request).signed_in else "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- emailed links (sign-in links and password resets) -------------------------------


def _send_quietly(db: Database, to: str, subject: str, body: str) -> None:
    """Send after the answer has gone, so its timing says nothing about the address."""
    try:
        mail.send(db, to=to, subject=subject, body=body)
    except Exception:  # the message stays in the outbox for the operator
        log.exception("could not send the email to %s (it is kept in the outbox)", to)


def _link_email(
    purpose: str, *, url: str | None, name: str, minutes: int, base: str
) -> tuple[str, str]:
    greeting = f"Hello {name},\n\n" if name else "Hello,\n\n"
    if purpose == "sign-in" and url:
        return "Your planwiki sign-in link", (
            f"{greeting}Someone (we hope you) asked to sign in to planwiki at {base} with this email"
            f" address. Open this link within {minutes} minutes, in the same browser where you asked"
            f" for it:\n\n{url}\n\nThe link works once. If you did not ask for it, ignore this email:"
            " nobody can sign in without it.\n"
        )
    if purpose == "reset" and url:
        return "Choose a new planwiki password", (
            f"{greeting}Someone (we hope you) asked to choose a new password for planwiki at {base}."
            f" Open this link within {minutes} minutes, in the same browser where you asked for it:"
            f"\n\n{url}\n\nThe link works once. If you did not ask for it, ignore this email: your"
            " password stays as it is.\n"
        )
    return "Signing in to planwiki", (
        f"{greeting}Someone (we hope you) asked for a {'password' if purpose == 'reset' else 'sign-in'}"
        f" link for planwiki at {base} with this email address, but there is no account for it"
        " there.\n\nIf someone invited you to their plan,"
        " use the link in their invitation email. Otherwise ask the person who looks after the plan"
        " to add you.\n\nIf you did not ask, you can ignore this email.\n"
    )


async def _send_link(request: Request, *, purpose: str, template: str) -> Response:
    """Shared by sign-in links and password resets: same answer for every address."""
    db, settings = db_of(request), settings_of(request)
    form = await form_of(request)
    next_path = safe_next(form.get("next"))
    raw_email = form.get("email", "")
    context = _login_context(request, next=next_path, email=raw_email.strip())
    try:
        email = accounts.normalise_email(raw_email)
    except Invalid as invalid:
        return page(request, template, {**context, "error": invalid.message, "errors": invalid.fields},
                    status=400)  # fmt: skip
    try:
        accounts.check_rate(db, ["mail:email:" + email], limit=settings.emails_per_15_minutes)
        accounts.check_rate(
            db, ["mail:" + _client_key(request)], limit=settings.emails_per_15_minutes_per_ip
        )
    except SlowDown as slow:
        response = page(request, template, {**context, "error": slow.message}, status=429)
        response.headers["retry-after"] = str(slow.retry_after)
        return response
    accounts.note_attempt(db, ["mail:email:" + email, "mail:" + _client_key(request)])
    browser = _browser_secret(request)
    user = accounts.find_user(db, email)
    url = None
    if user is not None or (purpose == "sign-in" and settings.open_signup):
        secret = accounts.issue_email_link(
            db, purpose=purpose, email=email, user=user, browser_secret=browser, next_path=next_path,
            minutes=settings.email_link_minutes,
        )  # fmt: skip
        url = f"{_base_url(request)}/login/{'email' if purpose == 'sign-in' else 'reset'}/{secret}"
    subject, body = _link_email(purpose, url=url, name=user.name if user else "",
                                minutes=settings.email_link_minutes, base=_base_url(request))  # fmt: skip
    response = page(request, "email_sent.html", {"email": email, "purpose": purpose,
                                                  "minutes": settings.email_link_minutes})  # fmt: skip
    response.background = BackgroundTask(_send_quietly, db, email, subject, body)
    _keep_browser_secret(response, browser, settings)
    return response


async def email_link_request(request: Request) -> Response:
    return await _send_link(request, purpose="sign-in", template="login.html")


def _link_problem(request: Request, problem: accounts.LinkProblem, *, purpose: str) -> Response:
    again = "/login" if purpose == "sign-in" else "/login/forgot"
    titles = {
        "unknown": "This link does not work",
        "used": "This link has already been used",
        "expired": "This link has expired",
        "other-browser": "Open this link in the browser where you asked for it",
    }
    what = "sign-in link" if purpose == "sign-in" else "password link"
    messages = {
        "unknown": f"The address may have been cut short or changed. Ask for a new {what}.",
        "used": f"Each {what} works once, and only the newest one works. If you are not signed in,"
                " ask for a new one.",
        "expired": f"Links work for {settings_of(request).email_link_minutes} minutes, to keep your"
                   f" account safe. Ask for a new {what}; it only takes a moment.",
        "other-browser": "To keep your account safe, a link only works in the browser (and on the"
                         " device) where you asked for it. Open it there, or ask for a new link here.",
    }  # fmt: skip
    status = {"unknown": 404, "used": 410, "expired": 410, "other-browser": 403}[problem.kind]
    return page(request, "signin_problem.html", {
        "title": titles[problem.kind], "message": messages[problem.kind], "kind": problem.kind,
        "again": again, "again_label": f"Ask for a new {what}",
    }, status=status)  # fmt: skip


async def email_link_use(request: Request) -> Response:
    db, settings = db_of(request), settings_of(request)
    browser = cookies_of(request.scope).get(BROWSER_COOKIE)
    try:
        link = accounts.use_email_link(
            db, request.path_params["token"], purpose="sign-in", browser_secret=browser
        )
    except accounts.LinkProblem as problem:
        return _link_problem(request, problem, purpose="sign-in")
    if link.user_id is not None:
        user = accounts.get_user(db, link.user_id)
        if user is None:
            return _link_problem(request, accounts.LinkProblem("unknown"), purpose="sign-in")
        accounts.mark_email_verified(db, user.id)
    elif settings.open_signup:
        user = accounts.sign_in_by_verified_email(db, link.email)
    else:  # pragma: no cover - links for new addresses are only made with open sign-up
        return _link_problem(request, accounts.LinkProblem("unknown"), purpose="sign-in")
    accounts.clear_failures(db, ["email:" + user.email])
    return signed_in(request, user, method="email link", next_path=link.next)


async def forgot_form(request: Request) -> Response:
    return page(request, "forgot.html", _login_context(request))


async def forgot(request: Request) -> Response:
    return await _send_link(request, purpose="reset", template="forgot.html")


async def reset_form(request: Request) -> Response:
    try:
        link = accounts.check_email_link(
            db_of(request), request.path_params["token"], purpose="reset",
            browser_secret=cookies_of(request.scope).get(BROWSER_COOKIE),
        )  # fmt: skip
    except accounts.LinkProblem as problem:
        return _link_problem(request, problem, purpose="reset")
    return page(request, "reset.html", {"email": link.email, "errors": {}})


async def reset(request: Request) -> Response:
    db = db_of(request)
    token = request.path_params["token"]
    browser = cookies_of(request.scope).get(BROWSER_COOKIE)
    form = await form_of(request)
    password = form.get("password", "")
    try:
        link = accounts.check_email_link(db, token, purpose="reset", browser_secret=browser)
    except accounts.LinkProblem as bad_link:
        return _link_problem(request, bad_link, purpose="reset")
    user = accounts.get_user(db, link.user_id) if link.user_id else None
    if user is None:
        return _link_problem(request, accounts.LinkProblem("unknown"), purpose="reset")
    weak = accounts.password_problem(password, email=user.email, name=user.name)
    if weak:
        return page(request, "reset.html", {"email": link.email, "error": weak,
                                            "errors": {"password": weak}}, status=422)  # fmt: skip
    try:
        accounts.use_email_link(db, token, purpose="reset", browser_secret=browser)
    except accounts.LinkProblem as gone:  # used by a request at the same moment
        return _link_problem(request, gone, purpose="reset")
    accounts.set_password(db, user, password)
    accounts.mark_email_verified(db, user.id)
    # Whoever knew the old password is signed out everywhere.
    accounts.end_all_sessions(db, user.id)
    accounts.clear_failures(db, ["email:" + user.email])
    return signed_in(
        request, user, method="password reset", next_path="/account?done=password-reset"
    )


# ---- single sign-on (OpenID Connect) -------------------------------------------------


def _redirect_uri(request: Request, key: str) -> str:
    return f"{_base_url(request)}/login/oidc/{key}/callback"


async def oidc_start(request: Request) -> Response:
    db, settings = db_of(request), settings_of(request)
    clients = oidc_clients(request)
    provider = clients.provider(request.path_params["key"])
    if provider is None:
        return _problem(request, title="We do not know that way of signing in",
                        message="Please go back to the sign-in page and choose again.", status=404)  # fmt: skip
    try:
        found = await clients.begin(provider, redirect_uri=_redirect_uri(request, provider.key))
    except ProviderUnavailable as down:
        return _problem(request, title=f"{provider.name} is not answering", message=down.message,
                        status=down.status, kind="provider")  # fmt: skip
    browser = _browser_secret(request)
    accounts.prune_expired(db)
    accounts.save_oidc_request(
        db, state=found["state"], provider=provider.key, nonce=found["nonce"],
        code_verifier=found["code_verifier"], browser_secret=browser,
        next_path=safe_next(request.query_params.get("next")), minutes=OIDC_REQUEST_MINUTES,
    )  # fmt: skip
    response = redirect(found["url"], status=302)
    _keep_browser_secret(response, browser, settings)
    return response


async def oidc_callback(request: Request) -> Response:
    db = db_of(request)
    clients = oidc_clients(request)
    key = request.path_params["key"]
    provider = clients.provider(key)
    again = {"again": "/login", "again_label": "Go back to sign in"}
    if provider is None:
        return _problem(request, title="We do not know that way of signing in",
                        message="Please go back to the sign-in page and choose again.", status=404)  # fmt: skip
    params = request.query_params
    # Single use, whatever happens next; and only in the browser that started it.
    row = accounts.take_oidc_request(
        db, state=params.get("state", ""), provider=key,
        browser_secret=cookies_of(request.scope).get(BROWSER_COOKIE),
    )  # fmt: skip
    if row is None:
        log.warning(
            "OIDC callback for %s refused: unknown, expired, used or other-browser state", key
        )
        return page(request, "signin_problem.html", {
            "title": "That sign-in did not finish",
            "message": "It took too long, was already used, or was started in another browser. Please"
                       f" start again: choose “Sign in with {provider.name}” on the sign-in page.",
            **again,
        }, status=400)  # fmt: skip
    if params.get("error"):
        cancelled = params.get("error") == "access_denied"
        log.info("OIDC provider %s answered error=%s", key, params.get("error"))
        return page(request, "signin_problem.html", {
            "title": "Sign-in was cancelled" if cancelled else f"{provider.name} did not sign you in",
            "message": f"{provider.name} did not let you sign in"
                       f"{' (you or it cancelled)' if cancelled else ''}. You can try again, or sign in"
                       " another way.",
            **again,
        }, status=400)  # fmt: skip
    if params.get("iss") and params["iss"].rstrip("/") != provider.issuer:  # RFC 9207 mix-up check
        log.warning("OIDC callback for %s carried issuer %r", key, params.get("iss"))
        return _problem(request, title="That sign-in did not finish",
                        message="The answer came from the wrong place. Please start again.", status=400)  # fmt: skip
    try:
        person = await clients.finish(
            provider, code=params.get("code", ""), redirect_uri=_redirect_uri(request, key),
            code_verifier=row.code_verifier, nonce=row.nonce,
        )  # fmt: skip
    except ProviderUnavailable as down:
        return page(request, "signin_problem.html", {"title": f"{provider.name} is not answering",
                    "message": down.message, "kind": "provider", **again}, status=down.status)  # fmt: skip
    except SignInFailed as failed:
        return page(request, "signin_problem.html", {"title": "We could not sign you in",
                    "message": failed.message, **again}, status=failed.status)  # fmt: skip
    if not person.email or not (person.email_verified or provider.trust_email):
        return page(request, "signin_problem.html", {
            "title": "Your email address is not confirmed",
            "message": f"{provider.name} did not confirm your email address, so we cannot tell which"
                       " planwiki account is yours. Confirm it with your organisation, or sign in"
                       " another way.",
            **again,
        }, status=403)  # fmt: skip
    domain = person.email.rsplit("@", 1)[-1]
    if provider.allowed_domains and domain not in provider.allowed_domains:
        allowed = ", ".join("@" + d for d in provider.allowed_domains)
        return page(request, "signin_problem.html", {
            "title": f"This account cannot use {provider.name} here",
            "message": f"Signing in with {provider.name} is for addresses ending in {allowed}. Sign in"
                       " another way, for example with an email link.",
            **again,
        }, status=403)  # fmt: skip
    try:
        user = accounts.sign_in_by_identity(
            db, provider=provider.key, issuer=person.issuer, subject=person.subject,
            email=person.email, name=person.name,
        )  # fmt: skip
    except WikiError as refused:
        return page(request, "signin_problem.html", {"title": "We could not sign you in",
                    "message": refused.message, **again}, status=refused.status)  # fmt: skip
    return signed_in(request, user, method=f"single sign-on ({provider.name})", next_path=row.next)


def login_url_for(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/login/email", email_link_request, methods=["POST"]),
    Route("/login/email/{token}", email_link_use, methods=["GET"]),
    Route("/login/forgot", forgot_form, methods=["GET"]),
    Route("/login/forgot", forgot, methods=["POST"]),
    Route("/login/reset/{token}", reset_form, methods=["GET"]),
    Route("/login/reset/{token}", reset, methods=["POST"]),
    Route("/login/oidc/{key}", oidc_start, methods=["GET"]),
    Route("/login/oidc/{key}/callback", oidc_callback, methods=["GET"]),
]
