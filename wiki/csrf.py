"""Cross-site request forgery: one check for every form and every write (issues #13, #15).

The rule, for every request whose method is not GET, HEAD, OPTIONS or TRACE:

1. **A request that carries any cookie must prove it came from one of our pages**: it
   sends the token from the ``csrftoken`` cookie back in the ``x-csrftoken`` header or in
   a ``csrftoken`` form field (urlencoded or multipart), and the cookie is signed with
   the site's secret. A bearer token does not excuse a request that also carries cookies:
   the cookies could be what acts.
2. **A request without any cookie passes only if another site's page cannot make a
   browser send it** without asking first (a CORS preflight, which we never grant): it
   has an ``Authorization`` header (a bearer token is nothing a forged form can borrow),
   or its method is not POST, or its content type is not one a plain HTML form can send
   (``application/x-www-form-urlencoded``, ``multipart/form-data``, ``text/plain``, or
   none). So a JSON call without credentials reaches the route (and gets 401), while a
   form posted without a cookie — to ``/login``, an email link, a password reset, an
   invitation or anything else — is refused: otherwise another site could sign you in
   as someone else (login CSRF). A browser that refuses cookies cannot use the forms.

There are no exemptions by address. Refusals are 403 with a JSON error
(``{"error": {"code": "csrf", ...}}``) under ``/api/`` and the friendly error page
elsewhere (the app passes a ``refuse`` callable that renders it).

The body is read only when the token is not in the header. Then the form is parsed as it
streams in (python-multipart's parsers), until the ``csrftoken`` field turns up; what was
read is kept (in memory, spilling to a temporary file past 1 MB) and replayed to the route,
which reads the whole form and its files as if nothing had happened. At most ``max_body``
bytes are kept looking for the token (the app passes its largest upload); past that, 413.

Tokens are asgi-csrf's (an itsdangerous ``URLSafeSerializer`` with the ``csrftoken`` salt,
same secret), so the pages people have open when the server is upgraded still work. The
cookie is HttpOnly (no script reads it: pages put the token in their forms), SameSite=Lax,
and Secure when the settings ask for secure cookies.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from html import escape
from typing import IO, Any
from urllib.parse import unquote_plus

from itsdangerous import BadSignature, URLSafeSerializer
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, QuerystringParser, parse_options_header
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "csrftoken"
FIELD = b"csrftoken"
SCOPE_KEY = "planwiki.csrftoken"  # a callable giving this browser's token (sets the cookie)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# What a cross-site <form> (or a "simple" fetch) can send without a preflight (Fetch standard).
FORM_TYPES = frozenset(
    {b"", b"application/x-www-form-urlencoded", b"multipart/form-data", b"text/plain"}
)
READABLE_FORMS = frozenset({b"application/x-www-form-urlencoded", b"multipart/form-data"})
SPOOL_IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024
MAX_TOKEN = 512  # a token is about 60 characters; a longer field is not one

EXPIRED = (
    "This form had expired or was sent from another page. Go back, reload the page and send"
    " it again. Nothing was changed."
)
NO_COOKIE = (
    "Your browser did not send this form's security check. Please make sure cookies are"
    " allowed for this site, reload the page and send it again. Nothing was changed."
)
API_MESSAGE = "Send the x-csrftoken header (or use a bearer token)."
TOO_LARGE = (
    "That was too large to check. Nothing was changed. Put the csrftoken field before the"
    " file, or send the x-csrftoken header."
)

KNOWN_COOKIES = 10_000
Refuse = Callable[[Scope, Receive, Send, int, str], Awaitable[None]]


def token_of(scope: Scope) -> str:
    """This browser's token for a form or the ``x-csrftoken`` header ("" for bearer calls)."""
    getter = scope.get(SCOPE_KEY)
    return str(getter()) if getter else ""


class _Token:
    """The browser's token, worked out only if a page or the check needs it."""

    __slots__ = ("checked", "cookie", "known", "made", "signer", "used", "valid")

    def __init__(
        self, signer: URLSafeSerializer, cookie: str | None, known: dict[str, None] | None = None
    ) -> None:
        self.signer, self.cookie = signer, cookie
        self.known = known if known is not None else {}
        self.checked = self.valid = self.used = False
        self.made = ""

    def cookie_is_ours(self) -> bool:
        if not self.checked:
            self.checked = True
            if self.cookie and self.cookie in self.known:
                self.valid = True
            elif self.cookie:
                try:
                    self.signer.loads(self.cookie, salt=COOKIE)
                    self.valid = True
                except BadSignature:
                    pass
                else:  # checked once per worker: the secret does not change (issue #21)
                    if len(self.known) >= KNOWN_COOKIES:
                        self.known.clear()
                    self.known[self.cookie] = None
        return self.valid

    def get(self) -> str:
        """For pages: the cookie's token, or a new one that the response sets as the cookie."""
        self.used = True
        if self.cookie_is_ours():
            return str(self.cookie)
        if not self.made:
            self.made = str(self.signer.dumps(secrets.token_urlsafe(16), salt=COOKIE))
        return self.made

    def matches(self, sent: str | None) -> bool:
        """Whether ``sent`` is this browser's cookie, and the cookie is one we signed."""
        if not sent or not self.cookie:
            return False
        same = secrets.compare_digest(sent.encode(), self.cookie.encode())
        return same and self.cookie_is_ours()


async def plain_refusal(
    scope: Scope, receive: Receive, send: Send, status: int, message: str
) -> None:
    """JSON under /api/, a short page elsewhere (the app passes its own themed page)."""
    if scope["path"].startswith("/api/"):
        code = "csrf" if status == 403 else "too_large"
        text = API_MESSAGE if status == 403 else message
        body = json.dumps({"error": {"code": code, "message": text}}).encode()
        content_type = b"application/json"
    else:
        body = (f"<!doctype html><html lang=en><title>Please try again</title><main>"
                f"<h1>Please try again</h1><p>{escape(message)}</p></main></html>").encode()  # fmt: skip
        content_type = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type)]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class CSRFMiddleware:
    """Pure ASGI middleware: sets the ``csrftoken`` cookie and checks every write (see above)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: str,
        secure: bool = False,
        max_body: int = 16 * 1024 * 1024,
        refuse: Refuse = plain_refusal,
    ) -> None:
        self.app, self.max_body, self.refuse = app, max_body, refuse
        self.signer = URLSafeSerializer(secret)
        self.known: dict[str, None] = {}  # cookies whose signature was checked here
        self.cookie_tail = "; Path=/; SameSite=Lax; HttpOnly" + ("; Secure" if secure else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie_header = authorization = sent = None
        content_type = b""
        for key, value in scope["headers"]:
            if key == b"cookie":
                cookie_header = value
            elif key == b"authorization":
                authorization = value
            elif key == b"x-csrftoken":
                sent = value.decode("latin-1")
            elif key == b"content-type":
                content_type = value
        if cookie_header is None and authorization is not None:
            # A script with a token: nothing to check and no cookie to make (issue #8).
            await self.app(scope, receive, send)
            return
        cookies = cookie_parser(cookie_header.decode("latin-1")) if cookie_header else {}
        token = _Token(self.signer, cookies.get(COOKIE), self.known)
        scope[SCOPE_KEY] = token.get
        send = self._setting_cookie(token, send)

        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        kind = content_type.split(b";", 1)[0].strip().lower()
        refused: tuple[int, str] | None = None
        replay: _Replay | None = None
        if cookie_header is None:
            if scope["method"] == "POST" and kind in FORM_TYPES:
                refused = 403, NO_COOKIE
        else:
            if sent is None and kind in READABLE_FORMS:
                try:
                    sent, replay = await self._token_from_body(kind, content_type, receive)
                except _TooLarge:
                    refused = 413, TOO_LARGE
            if refused is None and not token.matches(sent):
                refused = 403, EXPIRED
        try:
            if refused is not None:
                token.get()  # the refusal sets the cookie if missing, so that trying again works
                await self.refuse(scope, replay or receive, send, *refused)
            else:
                await self.app(scope, replay or receive, send)
        finally:
            if replay is not None:
                replay.close()  # the route may not have read it all

    def _setting_cookie(self, token: _Token, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and token.used:
                headers = list(message.get("headers", []))
                headers.append((b"vary", b"Cookie"))  # the page holds this browser's token
                if token.made:
                    headers.append(
                        (b"set-cookie", f"{COOKIE}={token.made}{self.cookie_tail}".encode())
                    )
                message = {**message, "headers": headers}
            await send(message)

        return sending

    async def _token_from_body(
        self, kind: bytes, content_type: bytes, receive: Receive
    ) -> tuple[str | None, _Replay | None]:
        """The form's ``csrftoken`` field, and a ``receive`` that replays what was read."""
        finder = _FieldFinder()
        parser: Any
        if kind == b"multipart/form-data":
            boundary = parse_options_header(content_type)[1].get(b"boundary")
            if not boundary:
                return None, None
            parser = MultipartParser(boundary, finder.multipart_callbacks())
        else:
            parser = QuerystringParser(finder.querystring_callbacks())
        # closed by _Replay once replayed, or below if reading fails
        kept: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        size, finished = 0, False
        try:
            while not finished and finder.found is None:
                message = await receive()
                if message["type"] != "http.request":
                    break  # the browser went away
                chunk = message.get("body", b"")
                finished = not message.get("more_body", False)
                kept.write(chunk)
                size += len(chunk)
                parser.write(chunk)
                if size > self.max_body and finder.found is None:
                    raise _TooLarge
            if finished and finder.found is None:
                parser.finalize()  # a urlencoded token at the very end of the body
        except FormParserError:
            pass  # not a form we can read: no token in it
        except BaseException:
            kept.close()
            raise
        kept.seek(0)
        return finder.found, _Replay(kept, size, receive, finished=finished)


class _TooLarge(Exception):
    pass


class _FieldFinder:
    """Collects the value of the ``csrftoken`` field as a parser streams by."""

    def __init__(self) -> None:
        self.found: str | None = None
        self.name = b""
        self.value = b""
        self.header_field = b""
        self.disposition = b""

    def _end(self) -> None:
        if self.found is None and unquote_plus(self.name.decode("latin-1")) == FIELD.decode():
            self.found = unquote_plus(self.value.decode("latin-1"))[:MAX_TOKEN]
        self.name = self.value = b""

    def _name(self, data: bytes, start: int, end: int) -> None:
        self.name += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        if len(self.value) <= MAX_TOKEN:
            self.value += data[start:end]

    def querystring_callbacks(self) -> Any:
        return {
            "on_field_name": self._name,
            "on_field_data": self._value,
            "on_field_end": self._end,
        }

    # multipart: the field's name is in its Content-Disposition header; files are skipped
    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        if self.header_field.lower() == b"content-disposition":
            self.disposition += data[start:end]

    def _header_end(self) -> None:
        self.header_field = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.disposition = b""
        self.name = b"" if b"filename" in options else options.get(b"name", b"")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.name == FIELD:
            self._value(data, start, end)

    def _part_end(self) -> None:
        if self.name == FIELD and self.found is None:
            self.found = self.value.decode("utf-8", "replace")[:MAX_TOKEN]
        self.name = self.value = b""

    def multipart_callbacks(self) -> Any:
        return {
            "on_header_field": self._header_field, "on_header_value": self._header_value,
            "on_header_end": self._header_end, "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data, "on_part_end": self._part_end,
        }  # fmt: skip


class _Replay:
    """``receive`` for the route: first the body read while looking, then the rest."""

    def __init__(self, kept: IO[bytes], size: int, receive: Receive, *, finished: bool) -> None:
        self.kept: IO[bytes] | None = kept
        self.size, self.receive, self.finished = size, receive, finished

    async def __call__(self) -> Message:
        if self.kept is None:
            return await self.receive()
        chunk = self.kept.read(CHUNK)
        at_end = self.kept.tell() >= self.size
        if at_end:
            self.close()
        return {"type": "http.request", "body": chunk, "more_body": not (at_end and self.finished)}

    def close(self) -> None:
        if self.kept is not None:
            self.kept.close()
            self.kept = None
