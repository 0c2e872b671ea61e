"""Odd bodies and odd path parameters at every JSON API route: never a 5xx (issue #15).

The routes come from the API's own table (``api.endpoints``), so a new route is fuzzed
without being listed here. Each example is one request, signed in as the plan's owner
(so the route gets past "who are you" to the input handling): path parameters that are
real, random text or numbers past 64 bits; bodies that are JSON of any shape (deep,
huge numbers, lone surrogates, wrong types for each field), bytes that are not UTF-8 or
not JSON, and wrong content types; odd query parameters. Errors must be JSON shaped as
``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from wiki import accounts
from wiki.routes.api import api

REAL = {
    "site": "ola",
    "section": "about-me",
    "page": "profile",
    "n": "1",
    "email": "ola@example.org",
}
HUGE = [str(2**64), str(2**63), "9" * 40, "0" * 30 + "1", "-1"]
ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), min_size=0, max_size=40
)


def _segment(name: str, is_int: bool) -> st.SearchStrategy[str]:
    choices = [st.just(REAL.get(name, "1" if is_int else "x")), st.sampled_from(HUGE)]
    if is_int:
        choices.append(st.integers(min_value=0, max_value=2**70).map(str))
    else:
        choices += [
            ODD_TEXT.filter(lambda s: s not in ("", ".", "..")).map(lambda s: quote(s, safe="")),
            st.sampled_from(["%ff", "%ed%a0%80", "%00", "..%2f..", "A" * 300, "%C0%AF"]),
        ]
    return st.one_of(*choices)


def _paths(path: str) -> st.SearchStrategy[str]:
    params = re.findall(r"{([^}:]+)(:int)?}", path)
    if not params:
        return st.just(api.prefix + path)
    strategies = [_segment(name, bool(is_int)) for name, is_int in params]

    def fill(values: tuple[str, ...]) -> str:
        out = path
        for (name, is_int), value in zip(params, values, strict=True):
            out = out.replace("{" + name + (is_int or "") + "}", value, 1)
        return api.prefix + out

    return st.tuples(*strategies).map(fill)


NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**64, -(2**63) - 1, 10**400]),
    st.floats(allow_nan=False, allow_infinity=False),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), NUMBERS, st.text(max_size=30),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "\u202e", "x" * 5000]),
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _shaped(model: Any) -> st.SearchStrategy[Any]:
    """The route's own fields, each with a value of any type (the likeliest to get deep)."""
    if model is None:
        return JSON
    names = list(model.model_fields)
    return st.dictionaries(st.sampled_from(names), JSON, max_size=len(names))


class Raw(bytes):
    """A body, shown short when Hypothesis reports a failing example."""

    def __repr__(self) -> str:
        return f"Raw({bytes(self[:80])!r}{'...' if len(self) > 80 else ''} {len(self):,} bytes)"


def _raw(value: Any) -> bytes:
    # ensure_ascii writes a lone surrogate as "\ud800", which is valid JSON text.
    return Raw(json.dumps(value, ensure_ascii=True).encode())


def _bodies(model: Any) -> st.SearchStrategy[tuple[str, bytes]]:
    json_type = st.sampled_from(["application/json", "application/json; charset=utf-8"])
    return st.one_of(
        st.tuples(json_type, _shaped(model).map(_raw)),
        st.tuples(json_type, JSON.map(_raw)),
        st.tuples(json_type, st.sampled_from([Raw(b) for b in (
            b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            b"\xff\xfe\xfa", b'{"body": "\xed\xa0\x80"}', b"NaN", b'{"body": Infinity}',
            b"", b"{", b"1e999999", b"-" + b"9" * 5000, b'"\\ud800"', b"\x00",
        )])),
        st.tuples(json_type, st.binary(max_size=60).map(Raw)),
        st.tuples(st.sampled_from(["text/plain", "multipart/form-data", ""]), JSON.map(_raw)),
    )  # fmt: skip


QUERY = st.dictionaries(
    st.sampled_from(["q", "limit", "offset", "history", "slug", "section", "before"]),
    st.one_of(ODD_TEXT, st.sampled_from([*HUGE, "-5", "²", "1.5", "true", ""])),
    max_size=3,
)


def _requests() -> st.SearchStrategy[tuple[str, str, str, bytes, dict[str, str]]]:
    per_route = [
        st.tuples(st.just(e.method), _paths(e.path), _bodies(e.body), QUERY).map(
            lambda t: (t[0], t[1], t[2][0], t[2][1], t[3])
        )
        for e in api.endpoints
    ]
    return st.one_of(*per_route)


def test_the_fuzzer_covers_every_route() -> None:
    assert len(api.endpoints) >= 20  # the route table was read, not an empty list


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip
@given(request=_requests())
def test_no_input_makes_the_api_fail(app, people, request) -> None:
    method, path, content_type, body, query = request
    client = _client(app, people)
    headers = {**client.headers_for_fuzz}  # type: ignore[attr-defined]
    if content_type:
        headers["content-type"] = content_type
    response = client.request(
        method, path, content=body if method in ("POST", "PUT") else None,
        params=query, headers=headers,
    )  # fmt: skip
    assert response.status_code < 500, (method, path, body[:200], response.text[:300])
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith(
        "application/json"
    ):
        error = response.json()["error"]
        assert error["code"] and error["message"]


_CLIENTS: dict[int, TestClient] = {}


def _client(app, people) -> TestClient:
    """One signed-in client per app (the fixture is function scoped; examples share it)."""
    found = _CLIENTS.get(id(app))
    if found is not None and found.app is app:
        return found
    _CLIENTS.clear()
    owner = people.add("Ola")
    token = accounts.create_token(people.db, accounts.find_user(people.db, owner.email))  # type: ignore[arg-type]
    client = TestClient(app, raise_server_exceptions=False)
    client.headers_for_fuzz = {"authorization": f"Bearer {token}"}  # type: ignore[attr-defined]
    auth = client.headers_for_fuzz  # type: ignore[attr-defined]
    assert (
        client.post("/api/v1/sites", json={"slug": "ola", "title": "Ola"}, headers=auth).status_code
        == 201
    )
    made = client.put(
        api.prefix + "/sites/ola/pages/about-me/profile",
        json={"body": "I like buses.", "base_revision": None}, headers=auth,
    )  # fmt: skip
    assert made.status_code == 201
    _CLIENTS[id(app)] = client
    return client
