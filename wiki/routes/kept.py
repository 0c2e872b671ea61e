"""Kept pages: a plan page drawn once and served again while nothing it shows has changed
(issue #21).

Drawing a page (its chrome, menus, words and media) cost ~5 times everything else a view
does. A page view or a section page is now kept, whole, by everything that decides what
it shows:

- the address and its query;
- who is reading: their account (or guest link), their name and their reading
  preferences (look, text size, easy read, read aloud, own colours);
- what they may do on this plan, as decided on this request from the grants loaded on
  this request (``SiteContext.standing``): a grant given, changed, revoked or expired
  changes it at once;
- the plan's change counter, ``sites.changes`` (migration 0019): database triggers move it
  with every change to the plan — a save, a section, a file, a look, the circle, a grant,
  a link, a name — and every worker reads it with the site on every request, so a change
  made through another worker is seen on the next request here;
- the words catalogues, templates, themes and plugins, which are fixed for the life of a
  worker (a new version is a new process).

Each request still loads the site and the person's access (three indexed reads), checks
``view`` on the section (not found if they may not), and files the page view in the
audit log; only the drawing is skipped. What is particular to one request is filled in
after: the browser's CSRF token (the logout form, the page's forms). A kept page lives at
most ``KEEP_SECONDS``, so words about time ("changed 3 minutes ago") stay about right.
Kept pages are bounded by their size (``BUDGET``), the least recently used going first.
"""

from __future__ import annotations

import secrets
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse

from wiki import csrf
from wiki.models import Preferences
from wiki.store.context import SiteContext

KEEP_SECONDS = 30.0
BUDGET = 16 * 1024 * 1024  # bytes of kept HTML, plain and compressed, in one worker
# Drawn where the browser's own token goes, and replaced by it on the way out. Letters and
# digits only, so escaping and quoting leave it as it is; random, so no text can forge it.
MARK = "pwkept" + secrets.token_hex(8) + "token"
_MARK_BYTES = MARK.encode()

Key = tuple[Hashable, ...]


# Compressed once too (issue #21). Each part is deflated by itself, ending byte-aligned (a
# sync flush), with what comes before it in the page as its dictionary, the token's place
# held by bytes no page contains: the parts and the token (stored as it is, per request)
# then join into one gzip stream that compresses as well as the whole page at once.
# Only the CRC is worked out over the whole page per request. The token is not compressed
# and nothing refers to it, so the size says nothing about the token or how like the page's
# words it is: compression cannot give the token away (BREACH), which is why other pages are sent
# uncompressed (wiki/app.py) and these are not. A token of another length
# than the one the page was kept with (none is, today) is compressed the ordinary way.
GZIP_LEVEL = 6
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST_BLOCK = b"\x03\x00"  # an empty final block
_WINDOW = 32 * 1024


def _deflated(data: bytes, before: bytes = b"") -> bytes:
    if before:
        squeezer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15, zdict=before[-_WINDOW:])
    else:
        squeezer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
    return squeezer.compress(data) + squeezer.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """Deflate's "stored" form: the bytes as they are, so their size says nothing about them."""
    squeezer = zlib.compressobj(0, zlib.DEFLATED, -15)
    return squeezer.compress(data) + squeezer.flush(zlib.Z_SYNC_FLUSH)


def _squeeze(parts: tuple[bytes, ...], token_length: int) -> tuple[bytes, ...]:
    filler, before, out = b"\x00" * token_length, b"", []
    for n, part in enumerate(parts):
        if n:
            before += filler
        out.append(_deflated(part, before))
        before = (before + part)[-_WINDOW:]
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Kept:
    parts: tuple[bytes, ...]  # the page's HTML, cut where the token goes
    status: int
    made: float
    size: int
    page_id: int | None = None  # the page shown, for the audit log on every view
    squeezed: tuple[bytes, ...] = ()  # each part deflated (see above)
    token_length: int = 0

    @property
    def weight(self) -> int:
        """The bytes it holds: the page, and the page compressed."""
        return self.size + sum(map(len, self.squeezed))

    def response(self, token: str, *, gzip: bool = False) -> HTMLResponse:
        mark = token.encode()
        if not gzip:
            return HTMLResponse(mark.join(self.parts), status_code=self.status)
        if len(mark) != self.token_length and len(self.parts) > 1:
            whole = mark.join(self.parts)
            squeezer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
            body = squeezer.compress(whole) + squeezer.flush()
        else:
            crc = 0
            for n, part in enumerate(self.parts):
                if n:
                    crc = zlib.crc32(mark, crc)
                crc = zlib.crc32(part, crc)
            size = self.size + len(mark) * (len(self.parts) - 1)
            body = b"".join(
                (_GZIP_HEADER, _stored(mark).join(self.squeezed), _LAST_BLOCK,
                 struct.pack("<II", crc, size & 0xFFFFFFFF))
            )  # fmt: skip
        answer = HTMLResponse(body, status_code=self.status)
        answer.headers["content-encoding"] = "gzip"
        answer.headers["vary"] = "Accept-Encoding"
        return answer


class Shelf:
    """The kept pages of one worker, least recently used first."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self.size = 0
        self.pages: OrderedDict[Key, Kept] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0
        self.enabled = True

    def get(self, key: Key) -> Kept | None:
        with self.lock:
            kept = self.pages.get(key)
            if kept is None or time.monotonic() - kept.made > KEEP_SECONDS:
                self.misses += 1
                return None
            self.pages.move_to_end(key)
            self.hits += 1
            return kept

    def put(
        self, key: Key, html: str, status: int, page_id: int | None = None, token_length: int = 0
    ) -> Kept:
        raw = html.encode()
        parts = tuple(raw.split(_MARK_BYTES))
        size = len(raw) - len(_MARK_BYTES) * (len(parts) - 1)  # without the marks
        if b"\x00" in raw:  # the token's place is held by NULs: never when a page has one
            token_length = -1  # (so it is compressed the ordinary way)
        squeezed = _squeeze(parts, max(token_length, 0))
        kept = Kept(parts, status, time.monotonic(), size, page_id, squeezed, token_length)
        if not self.enabled or status != 200 or kept.size > self.budget // 16:
            return kept
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= old.weight
            self.pages[key] = kept
            self.size += kept.weight
            while self.size > self.budget and self.pages:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= dropped.weight
        return kept

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


def shelf_of(request: Request) -> Shelf:
    """This app's kept pages (one shelf per app, so per worker)."""
    found: Shelf | None = getattr(request.app.state, "kept", None)
    if found is None:
        found = request.app.state.kept = Shelf()
    return found


def key_for(request: Request, ctx: SiteContext, prefs: Preferences, template: str) -> Key:
    """Everything that decides what a plan page shows (see the module's words)."""
    actor = ctx.actor
    scope = request.scope
    return (
        template,
        scope["path"],
        scope["query_string"],
        ctx.site.id,
        ctx.site.changes,
        actor.user_id,
        actor.guest_link_id,
        actor.name,
        prefs,
        ctx.standing,
    )


def lookup(request: Request, key: Key | None) -> Kept | None:
    shelf = shelf_of(request)
    if key is None or not shelf.enabled:
        return None
    return shelf.get(key)


def serve(request: Request, kept: Kept) -> HTMLResponse:
    """A kept page with this browser's token in it, compressed if the browser asks."""
    gzip = "gzip" in request.headers.get("accept-encoding", "")
    return kept.response(csrf.token_of(request.scope), gzip=gzip)
