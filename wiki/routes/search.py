"""Searching one plan or every plan a person is in (issue #7; its own module since #13).

Every page here calls the store with the request's actor; the store asks the policy, so
results only ever come from sections the person may view.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki.errors import NotFound
from wiki.routes.common import actor_of, db_of, login_url, off_loop_search, page, redirect
from wiki.store import search
from wiki.store.context import site_for


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _flag(request: Request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    return value.lower() in ("1", "true", "yes", "on")


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0")
    # digits 0-9 only ("²".isdigit() is true) and within SQLite's 64 bits (issue #15)
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0


def _pages_of(request: Request, results: search.Results, base: str) -> dict[str, str | None]:
    """Links to the previous and next pages of results."""

    def link(offset: int) -> str:
        params = {"q": results.query, "offset": str(offset)}
        if results.history:
            params["history"] = "1"
        return f"{base}?{urlencode(params)}"

    return {
        "previous": link(max(0, results.offset - results.limit)) if results.offset > 0 else None,
        "next": link(results.offset + results.limit) if results.more else None,
    }


async def site_search(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in:
        if actor.is_guest:
            raise NotFound()
        return redirect(login_url(str(request.url.path)))
    query = request.query_params.get("q", "")
    history = _flag(request, "history")
    if query.strip():
        ctx, results = await off_loop_search(
            search.search_site, db, actor, site=_p(request, "site"), query=query, history=history,
            offset=_offset(request),
        )  # fmt: skip
    else:
        ctx, results = site_for(db, actor, _p(request, "site")), None
    base = f"/s/{ctx.site.slug}/search"
    return page(
        request,
        "search.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "query": query,
            "history": history,
            "results": results,
            "action": base,
            "more": _pages_of(request, results, base) if results else {},
        },
    )


async def all_search(request: Request) -> Response:
    db, actor = db_of(request), actor_of(request)
    if not actor.signed_in:
        return redirect(login_url("/search"))
    query = request.query_params.get("q", "")
    history = _flag(request, "history")
    results = (
        await off_loop_search(
            search.search_all, db, actor, query=query, history=history, offset=_offset(request)
        )
        if query.strip()
        else None
    )
    return page(
        request,
        "search.html",
        {
            "query": query,
            "history": history,
            "results": results,
            "action": "/search",
            "more": _pages_of(request, results, "/search") if results else {},
        },
    )


routes = [
    Route("/search", all_search, methods=["GET"]),
    Route("/s/{site}/search", site_search, methods=["GET"]),
]
