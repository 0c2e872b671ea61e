"""Starlette's router, made to try only the routes that could match a path.

Starlette tries every route in order, a regular expression each. With over a hundred
routes and the plan pages last (they are the catch-all), a page view paid for ~115 failed
matches: about a sixth of its time (profiled for issue #8, docs/performance.md).

This router keeps Starlette's order and behaviour (first full match wins, a partial
match gives 405, the trailing-slash redirect) but first narrows the list by the first
path segments: a route whose pattern has the literal ``sharing`` in third place cannot
match ``/s/x/profile/…``. The narrowed lists are cached by the *shape* of a path (each
segment either one of the literals routes use in that place, or "anything"), so the
cache stays small whatever slugs people choose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Router
from starlette.types import Receive, Scope, Send

DEPTH = 3  # path segments looked at; enough to tell /s/{site}/sharing from a plan page

Shape = tuple[str | None, ...]


def get_route_path(scope: Scope) -> str:
    """The path the routes match: the request's path less the app's mount point, as
    Starlette's own router works it out (its helper is private, issue #25)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if not root or not path.startswith(root) or path == root:
        return "" if root and path == root else path
    return path[len(root) :] if path[len(root)] == "/" else path


def route_shape(route: BaseRoute) -> Shape:
    """The literal segments of a route's path, None where anything may stand."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not hasattr(route, "path_regex"):
        return ()  # a mount or host: always tried
    shape: list[str | None] = []
    for segment in path.split("/")[1 : DEPTH + 1]:
        if ":path}" in segment:
            break  # matches any number of segments from here on
        shape.append(None if "{" in segment else segment)
    return tuple(shape)


_SQLITE_INTEGERS = range(0, 2**63)


def _numbers_fit(child_scope: Scope) -> bool:
    """Every ``{n:int}`` in the path fits a SQLite integer. A bigger one used to reach SQLite
    and fail there with a 500 (issue #15); here, for every route and every plugin's, it is
    simply not found."""
    return all(
        value in _SQLITE_INTEGERS
        for value in child_scope.get("path_params", {}).values()
        if isinstance(value, int)
    )


class IndexedRouter(Router):
    """A Router that skips routes whose literal path segments cannot match."""

    def __init__(self, routes: Sequence[BaseRoute], **options: Any) -> None:
        super().__init__(routes=list(routes), **options)
        self._shapes = [route_shape(route) for route in self.routes]
        self._literals: list[set[str]] = [set() for _ in range(DEPTH)]
        for shape in self._shapes:
            for place, literal in enumerate(shape):
                if literal is not None:
                    self._literals[place].add(literal)
        self._candidates: dict[tuple[str, ...], list[BaseRoute]] = {}

    def candidates(self, route_path: str) -> list[BaseRoute]:
        segments = route_path.split("/", DEPTH + 1)[1 : DEPTH + 1]
        key = tuple(
            segment if segment in self._literals[place] else "\0"
            for place, segment in enumerate(segments)
        )
        found = self._candidates.get(key)
        if found is None:
            found = [
                route
                for route, shape in zip(self.routes, self._shapes, strict=True)
                if all(
                    literal is None or (place < len(key) and key[place] == literal)
                    for place, literal in enumerate(shape)
                )
            ]
            self._candidates[key] = found
        return found

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                if not _numbers_fit(child_scope):  # a number no row can have: not found
                    await self.default(scope, receive, send)
                    return
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:  # e.g. the right path with the wrong method: 405
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        route_path = get_route_path(scope)
        if self.redirect_slashes and route_path != "/":
            other = dict(scope)
            other["path"] = (
                other["path"].rstrip("/") if route_path.endswith("/") else other["path"] + "/"
            )
            for route in self.candidates(get_route_path(other)):
                if route.matches(other)[0] is not Match.NONE:
                    await RedirectResponse(url=str(URL(scope=other)))(scope, receive, send)
                    return
        await self.default(scope, receive, send)
