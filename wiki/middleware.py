"""Pure ASGI middleware: security headers, and the actor worked out once per request.

The actor is put in ``scope["state"]["actor"]`` and every route passes it on
explicitly to the store; there is no global "current user".
"""

from __future__ import annotations

from typing import Any

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiki import accounts
from wiki.db import Database
from wiki.models import ANONYMOUS, Actor

SESSION_COOKIE = "planwiki_session"

CSP = (
    # Pictures only from the plan wiki itself: one from another site would tell that site who
    # read the page, and when (issue #25).
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=(self)"),  # video (#16),
    # Plan addresses are people's names and guest links get passed around: never indexed.
    (b"x-robots-tag", b"noindex, nofollow"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                # Private pages must never sit in a shared cache.
                private = scope["path"].startswith(
                    ("/s/", "/api/", "/g/", "/login", "/account", "/invite")
                )
                if private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                if scope.get("scheme") == "https":
                    headers = [_secure(k, v) for k, v in headers]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _secure(key: bytes, value: bytes) -> tuple[bytes, bytes]:
    """Over https every cookie is Secure, whatever the settings say: behind a proxy that
    says so (``planwiki serve --proxy-headers``), the scheme is the proxy's (issue #15)."""
    if key.lower() == b"set-cookie" and b"; secure" not in value.lower():
        return key, value + b"; Secure"
    return key, value


def cookies_of(scope: Scope) -> dict[str, str]:
    # Starlette's own lenient parser: a fraction of SimpleCookie's cost per request (issue #8)
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def bearer_of(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"authorization":
            text: str = value.decode("latin-1")
            if text[:7].lower() == "bearer ":
                return text[7:].strip()
    return None


class ActorMiddleware:
    """Resolve who is asking from a bearer token or a session cookie, once."""

    def __init__(self, app: ASGIApp, *, db: Database, idle_minutes: int) -> None:
        self.app = app
        self.db = db
        self.idle_minutes = idle_minutes

    def resolve(self, scope: Scope) -> tuple[Actor, bool]:
        """The actor, and whether a bearer token was offered (and so must be valid)."""
        path = scope["path"]
        if path.startswith("/g/"):
            # A guest link's secret is in its address; it is the whole identity.
            from wiki.store.links import guest_actor

            return guest_actor(self.db, path.split("/")[2]) or ANONYMOUS, False
        token = bearer_of(scope)
        if token is not None:
            return accounts.actor_from_token(self.db, token) or ANONYMOUS, True
        secret = cookies_of(scope).get(SESSION_COOKIE)
        if secret:
            return accounts.actor_from_session(
                self.db, secret, idle_minutes=self.idle_minutes
            ) or ANONYMOUS, False
        return ANONYMOUS, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        actor, used_token = self.resolve(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["actor"] = actor
        state["bad_token"] = used_token and not actor.signed_in
        await self.app(scope, receive, send)
