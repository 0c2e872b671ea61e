"""Drafts that survive everything (issue #26): the pages' side.

- ``POST …/{page}/draft``: the words of an open form, kept as the person types
  (static/drafts.js, debounced) — or thrown away (``action=discard``).
- A form that arrives after the session timed out: the words are kept as the draft of
  the account that session belonged to, and after signing in the person lands back in
  the same form with them ("You were signed out. Your words are safe. Press Save.").
- A form refused by the CSRF check (cookies gone, or the page too old): still a 403 that
  saves nothing, but when the browser says the post came from this wiki's own page, the
  words are shown back with a way to sign in and save them. A post from another site
  gets the plain refusal: no other site can put words on our pages.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from wiki import accounts, store
from wiki.errors import WikiError
from wiki.middleware import SESSION_COOKIE, cookies_of
from wiki.models import Actor
from wiki.routes.common import (
    actor_of,
    db_of,
    form_of,
    login_url,
    page,
    redirect,
    require_signed_in,
    safe_next,
)
from wiki.store import drafts

# The forms whose words are kept: the text editor and the block forms.
WRITING = re.compile(r"^/s/([a-z0-9-]+)/([a-z0-9-]+)/([a-z0-9-]+)/(edit|block/\d+|blocks/new)$")
NOT_WORDS = {"csrftoken", "action", "base", "kind", "form"}
KEPT = "kept=1"  # on the form's address after signing in: "Your words are safe"


def _where(path: str) -> tuple[str, str, str] | None:
    found = WRITING.match(path)
    return (found[1], found[2], found[3]) if found else None


def form_address(request: Request) -> str:
    """The form these words were typed into: its path, with ``?type=`` for a new block."""
    kind = request.query_params.get("type")
    return request.url.path + (
        f"?type={kind}" if kind and request.url.path.endswith("/new") else ""
    )


def _keep(
    db: Any, actor: Actor, where: tuple[str, str, str], form: dict[str, str], address: str
) -> None:
    site, section, slug = where
    base = form.get("base", "")
    text = address.split("?")[0].endswith("/edit")
    body = form.get("body", "") if text else None
    current = store.get_page(db, actor, site=site, section=section, page=slug, record_view=False)[1]
    drafts.keep(db, actor, site=site, section=section, page=slug,
                title=form.get("title", "") or current.title, body=current.body if body is None else body,
                base=int(base) if base.isdigit() and len(base) < 12 else None, form=address,
                fields={} if text else {k: v for k, v in form.items() if k not in NOT_WORDS})  # fmt: skip


def _back_with(address: str) -> str:
    return address + ("&" if "?" in address else "?") + KEPT


async def kept_if_signed_out(request: Request, form: dict[str, str]) -> Response | None:
    """The form came after the person's session timed out: keep the words as that
    account's draft and send them to sign in, then back to this form. None when the
    person is signed in (or the session cannot be told: then the usual sign-in)."""
    if actor_of(request).signed_in:
        return None
    where, secret = _where(request.url.path), cookies_of(request.scope).get(SESSION_COOKIE)
    if where is None or not secret:
        return None
    db = db_of(request)
    owner = accounts.account_of_ended_session(db, secret)
    if owner is None:
        return None
    address = form_address(request)
    try:
        _keep(db, owner, where, form, address)
    except WikiError:
        return None  # they may not write here now: nothing is kept
    return redirect(login_url(_back_with(address)))


async def draft_post(request: Request) -> Response:
    """Keep the open form's words (drafts.js), or throw the draft away."""
    form = await form_of(request)
    site, section, slug = (str(request.path_params[k]) for k in ("site", "section", "page"))
    db = db_of(request)
    if form.get("action") == "discard":
        store.discard_draft(db, require_signed_in(request), site=site, section=section, page=slug)
        return redirect(f"/s/{site}/{section}/{slug}")
    address = safe_next(form.get("form", ""))
    if _where(address.split("?")[0]) != (site, section, slug):
        return Response(status_code=400)
    actor = actor_of(request)
    if not actor.signed_in:  # typing on after the session timed out: still theirs
        secret = cookies_of(request.scope).get(SESSION_COOKIE) or ""
        actor = (accounts.account_of_ended_session(db, secret) if secret else None) or actor
    if not actor.signed_in:
        return Response(status_code=401)
    _keep(db, actor, (site, section, slug), form, address)
    return Response(status_code=204)


# ---- the words shown back after a refused form ------------------------------------------


def from_this_wiki(scope: Scope, request: Request) -> bool:
    """The browser says the post came from one of our own pages."""
    headers = request.headers
    if headers.get("sec-fetch-site") == "same-origin":
        return True
    origin = headers.get("origin", "")
    if not origin or origin == "null":
        return False
    host = headers.get("host", "")
    ours = urlsplit(origin)
    return ours.netloc == host and ours.scheme in ("http", "https")


async def words_back(scope: Scope, receive: Receive, send: Send, status: int) -> bool:
    """Answer a refused form from a writing form of this wiki with its words shown back
    (still ``status``, nothing saved). False when this is not such a post."""
    request = Request(scope, receive)
    if (
        request.method != "POST"
        or _where(scope["path"]) is None
        or not from_this_wiki(scope, request)
    ):
        return False
    form = await form_of(request)
    address = form_address(request)
    words = {k: v for k, v in form.items() if k not in NOT_WORDS | {"summary"} and v.strip()}
    kept = {k: v for k, v in form.items() if k != "csrftoken"}
    context = {"status": status, "next": _back_with(address), "words": words,
               "text": address.endswith("/edit"), "carried": json.dumps({"form": address, "fields": kept})}  # fmt: skip
    await page(request, "words_back.html", context, status=status)(scope, receive, send)
    return True


def keep_carried(request: Request, form: dict[str, str], actor: Actor) -> str:
    """After signing in from the words-back page: keep the carried words as the new
    session's person's draft. The address to go to next ("" when nothing was kept)."""
    try:
        carried = json.loads(form.get("carried", "") or "{}")
        address, fields = safe_next(str(carried["form"])), dict(carried["fields"])
    except (ValueError, KeyError, TypeError):
        return ""
    where = _where(address.split("?")[0])
    if where is None:
        return ""
    fields = {str(k): str(v) for k, v in fields.items()}
    if "body" in form:  # the words as they stand in the box on that page
        fields["body"] = form["body"]
    try:
        _keep(db_of(request), actor, where, fields, address)
    except WikiError:
        return ""
    return _back_with(address)


routes = [Route("/s/{site}/{section}/{page}/draft", draft_post, methods=["POST"])]
