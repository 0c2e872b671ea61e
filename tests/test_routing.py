"""The indexed router picks exactly the route Starlette's own first-match scan would pick.

Issue #8: page views skipped ~115 failed regex matches once routes were narrowed by their
literal path segments; this checks the narrowing never changes which route answers.
"""

from __future__ import annotations

import itertools
import re

import pytest
from starlette.routing import Match, Route

from wiki.routing import IndexedRouter, route_shape

# Values put in place of path parameters: ordinary slugs, and words that are also literal
# segments of other routes (a section called "sharing" must still reach the right route).
SAMPLES = ["profile", "sharing", "-", "edit", "history", "search", "export", "review", "s"]


def concrete_paths(pattern: str) -> list[str]:
    params = re.findall(r"\{([^}:]+)(?::([^}]+))?\}", pattern)
    choices = []
    for _name, kind in params:
        if kind == "int":
            choices.append(["7"])
        elif kind == "path":
            choices.append(["a/b.css", "x"])
        else:
            choices.append(SAMPLES[:4] if len(params) > 2 else SAMPLES)
    paths = []
    for combo in itertools.product(*choices):
        parts = re.split(r"\{[^}]+\}", pattern)
        paths.append("".join(p + v for p, v in zip(parts, [*combo, ""], strict=True)))
    return paths


def first_match(routes, scope):
    partial = None
    for route in routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return ("full", route)
        if match is Match.PARTIAL and partial is None:
            partial = route
    return ("partial", partial) if partial else ("none", None)


def test_every_route_is_reached_as_before(app):
    starlette_app = app.starlette
    router = starlette_app.router
    assert isinstance(router, IndexedRouter)
    routes = router.routes
    checked = 0
    for route in routes:
        if not isinstance(route, Route):
            continue
        for path in concrete_paths(route.path):
            for method in [*sorted(route.methods or {"GET"}), "DELETE"]:
                scope = {"type": "http", "path": path, "root_path": "", "method": method}
                expected = first_match(routes, scope)
                got = first_match(router.candidates(path), scope)
                assert got == expected, (method, path)
                checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    "path",
    ["/", "/s/", "/s/x/", "/unknown/path/here", "/s/x/profile/page/edit/", "/api/v1/sites/x/"],
)
def test_paths_that_match_nothing_or_need_a_slash_change_agree(app, path):
    router = app.starlette.router
    for method in ("GET", "POST"):
        scope = {"type": "http", "path": path, "root_path": "", "method": method}
        assert first_match(router.candidates(path), scope) == first_match(router.routes, scope)


def test_a_route_shape_keeps_literals_and_stops_at_a_path_parameter():
    assert route_shape(Route("/s/{site}/sharing", lambda r: None)) == ("s", None, "sharing")
    assert route_shape(Route("/static/{theme}/{path:path}", lambda r: None)) == (
        "static",
        None,
    )
    assert route_shape(Route("/look/{theme}/{name}.css", lambda r: None)) == ("look", None, None)


def test_wrong_method_still_answers_405_a_missing_page_404_and_a_slash_redirects(people):
    web = people.client()
    assert web.delete("/login").status_code == 405
    assert web.get("/no/such/place").status_code == 404
    moved = web.get("/login/")
    assert moved.status_code in (307, 308) and moved.headers["location"].endswith("/login")
