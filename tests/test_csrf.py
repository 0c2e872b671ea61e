"""The CSRF check (wiki/csrf.py, issues #13 and #15): first on a tiny app, then on every
state-changing route of the real one, found from its router so a new route is covered.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from conftest import csrf_of, run_async, sign_in
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from wiki import demo, demo_content
from wiki.app import create_app
from wiki.csrf import CSRFMiddleware, token_of
from wiki.db import Database
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor
from wiki.settings import Settings
from wiki.store import links

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
SECRET = "s3cret-for-the-tests-only-" * 3

# ---- the middleware on a tiny app ------------------------------------------------------------


async def form_echo(request: Request) -> Response:
    """Everything the route can read of the form: every field, and each file's size and hash."""
    async with request.form(max_part_size=4 * 1024 * 1024) as form:
        out: dict[str, Any] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                out[name] = {
                    "filename": value.filename,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            else:
                out[name] = value
    return JSONResponse(out)


async def json_echo(request: Request) -> Response:
    return JSONResponse({"body": (await request.body()).decode()})


async def token_page(request: Request) -> Response:
    return PlainTextResponse(token_of(request.scope))


async def no_token_page(request: Request) -> Response:
    return PlainTextResponse("no form here")


def tiny_app(**options: Any) -> CSRFMiddleware:
    inner = Starlette(
        routes=[
            Route("/page", token_page),
            Route("/plain", no_token_page),
            Route("/form", form_echo, methods=list(UNSAFE)),
            Route("/api/form", form_echo, methods=list(UNSAFE)),
            Route("/json", json_echo, methods=list(UNSAFE)),
        ]
    )
    return CSRFMiddleware(inner, secret=SECRET, **options)


@pytest.fixture
def tiny() -> TestClient:
    return TestClient(tiny_app())


def browser(client: TestClient) -> str:
    """Open a page, as a browser would, and return the token it holds."""
    return client.get("/page").text


def picture(size: int) -> bytes:
    return bytes(range(256)) * (size // 256) + b"\xff" * (size % 256)


def test_a_page_using_the_token_sets_the_cookie_once(tiny: TestClient) -> None:
    first = tiny.get("/page")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"csrftoken={first.text};")
    assert {"Path=/", "SameSite=Lax", "HttpOnly"} <= {p.strip() for p in cookie.split(";")}
    assert "Secure" not in cookie and "Cookie" in first.headers["vary"]
    again = tiny.get("/page")
    assert again.text == first.text and "set-cookie" not in again.headers
    assert "set-cookie" not in TestClient(tiny_app()).get("/plain").headers, "made only if used"


def test_the_cookie_is_secure_when_the_settings_say_so() -> None:
    cookie = TestClient(tiny_app(secure=True)).get("/page").headers["set-cookie"]
    assert "Secure" in [p.strip() for p in cookie.split(";")]


def test_a_cookie_not_signed_with_our_secret_is_replaced(tiny: TestClient) -> None:
    tiny.cookies.set("csrftoken", "made-up")
    page = tiny.get("/page")
    assert page.text != "made-up"
    assert page.headers["set-cookie"].startswith(f"csrftoken={page.text};")
    forged = TestClient(tiny_app())
    forged.cookies.set("csrftoken", "made-up")
    assert forged.post("/form", data={"csrftoken": "made-up"}).status_code == 403


def test_urlencoded_with_the_token_passes_and_the_route_reads_every_field(
    tiny: TestClient,
) -> None:
    token = browser(tiny)
    fields = {"title": "Hello & welcome", "body": "ünïcode + spaces=yes", "csrftoken": token}
    for method in UNSAFE:
        response = tiny.request(method, "/form", data=fields)
        assert response.status_code == 200, (method, response.text)
        assert response.json() == fields


@pytest.mark.parametrize("token_first", [True, False], ids=["token-first", "file-first"])
@pytest.mark.parametrize("size", [10, 3 * 1024 * 1024], ids=["small", "spilled-to-disk"])
def test_multipart_with_the_token_passes_and_the_route_reads_fields_and_file(
    tiny: TestClient, token_first: bool, size: int
) -> None:
    token = browser(tiny)
    data = picture(size)
    parts: list[tuple[str, Any]] = [
        ("caption", (None, "At the pool")),
        ("file", ("pool.jpg", data, "image/jpeg")),
        ("transcript", (None, "Splash")),
    ]
    token_part = ("csrftoken", (None, token))
    parts = [token_part, *parts] if token_first else [*parts, token_part]
    response = tiny.post("/form", files=parts)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "caption": "At the pool",
        "transcript": "Splash",
        "csrftoken": token,
        "file": {"filename": "pool.jpg", "size": size, "sha256": hashlib.sha256(data).hexdigest()},
    }


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart", "json", "none"])
@pytest.mark.parametrize("token", ["missing", "wrong", "another-browsers"])
def test_without_the_right_token_a_write_is_refused(
    tiny: TestClient, encoding: str, token: str
) -> None:
    browser(tiny)
    fields: dict[str, str] = {"title": "Forged"}
    if token == "wrong":
        fields["csrftoken"] = "wrong"
    elif token == "another-browsers":
        fields["csrftoken"] = browser(TestClient(tiny_app()))
    for method in UNSAFE:
        options: dict[str, dict[str, Any]] = {
            "urlencoded": {"data": fields},
            "multipart": {
                "files": {
                    **{k: (None, v) for k, v in fields.items()},
                    "file": ("x.jpg", b"x", "image/jpeg"),
                }
            },
            "json": {"json": fields},
            "none": {},
        }
        kwargs = options[encoding]
        response = tiny.request(method, "/form", **kwargs)
        assert response.status_code == 403, (method, response.text)
        assert "This form had expired" in response.text
        api = tiny.request(method, "/api/form", **kwargs)
        assert api.status_code == 403
        assert api.json()["error"]["code"] == "csrf"


def test_the_token_in_the_header_passes_without_reading_the_body(tiny: TestClient) -> None:
    token = browser(tiny)
    sent = tiny.put("/json", json={"x": 1}, headers={"x-csrftoken": token})
    assert sent.status_code == 200 and json.loads(sent.json()["body"]) == {"x": 1}
    wrong = tiny.put("/json", json={"x": 1}, headers={"x-csrftoken": token + "x"})
    assert wrong.status_code == 403
    multipart = tiny.post("/form", files={"a": (None, "b")}, headers={"x-csrftoken": token})
    assert multipart.json() == {"a": "b"}


def test_a_bearer_token_without_cookies_passes_and_makes_no_cookie(tiny: TestClient) -> None:
    for method in UNSAFE:
        sent = tiny.request(method, "/form", data={"a": "b"}, headers={"authorization": "Bearer x"})
        assert sent.status_code == 200 and "set-cookie" not in sent.headers
    assert "set-cookie" not in tiny.get("/page", headers={"authorization": "Bearer x"}).headers


def test_a_bearer_token_with_a_cookie_still_needs_the_csrf_token(tiny: TestClient) -> None:
    browser(tiny)
    bearer = {"authorization": "Bearer x"}
    assert tiny.post("/form", data={"a": "b"}, headers=bearer).status_code == 403
    assert tiny.put("/json", json={"a": "b"}, headers=bearer).status_code == 403


def test_a_form_posted_without_any_cookie_is_refused() -> None:
    # What a forged form from another site sends from a fresh browser (login CSRF).
    for kwargs in (
        {"data": {"a": "b"}},
        {"files": {"a": (None, "b")}},
        {"content": b"a=b"},
        {"content": b"x", "headers": {"content-type": "text/plain"}},
    ):
        refused = TestClient(tiny_app()).post("/form", **kwargs)
        assert refused.status_code == 403 and "cookies are" in refused.text, kwargs
        assert "csrftoken=" in refused.headers["set-cookie"], "so that trying again works"


def test_without_cookies_what_no_form_can_send_reaches_the_route(tiny: TestClient) -> None:
    # JSON, or PUT/PATCH/DELETE, needs a CORS preflight from another site; with no cookie
    # it carries nothing to borrow, so the route answers (the API says 401 "not signed in").
    assert tiny.post("/json", json={"a": 1}).status_code == 200
    for method in ("PUT", "PATCH", "DELETE"):
        assert tiny.request(method, "/form", data={"a": "b"}).status_code == 200


def test_an_unreadable_form_is_refused_not_an_error(tiny: TestClient) -> None:
    browser(tiny)
    broken = [
        {
            "content": b"--nope\r\ngarbage",
            "headers": {"content-type": "multipart/form-data; boundary=zz"},
        },
        {"content": b"x", "headers": {"content-type": "multipart/form-data"}},
        {"content": b"%%%&&&==", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    ]
    for kwargs in broken:
        assert tiny.post("/form", **kwargs).status_code == 403, kwargs  # type: ignore[arg-type]


def run_asgi(
    app: Any, body: bytes, headers: list[tuple[bytes, bytes]], chunk: int
) -> tuple[int, bytes]:
    """Send ``body`` a few bytes at a time, as a slow network would."""
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    messages = [
        {"type": "http.request", "body": p, "more_body": i < len(pieces) - 1}
        for i, p in enumerate(pieces)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/form",
        "raw_path": b"/form",
        "query_string": b"",
        "headers": headers,
        "scheme": "http",
        "http_version": "1.1",
        "server": ("test", 80),
        "client": ("test", 1),
        "root_path": "",
    }
    run_async(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def encoded(token: str, **kwargs: Any) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """A request's body and headers as httpx would send them, with this browser's cookie."""
    request = httpx2.Request("POST", "http://test/form", **kwargs)
    headers = [(k.lower(), v) for k, v in request.headers.raw if k.lower() == b"content-type"]
    return request.read(), [(b"cookie", b"csrftoken=" + token.encode()), *headers]


def test_a_body_past_the_limit_without_a_token_is_refused_as_too_large() -> None:
    app = tiny_app(max_body=100_000)
    token = browser(TestClient(app))
    big = ("file", ("big.bin", picture(200_000), "application/octet-stream"))
    late = encoded(token, files=[big, ("csrftoken", (None, token))])
    assert run_asgi(app, *late, chunk=16 * 1024)[0] == 413
    early = encoded(token, files=[("csrftoken", (None, token)), big])
    status, body = run_asgi(app, *early, chunk=16 * 1024)
    assert status == 200 and json.loads(body)["file"]["size"] == 200_000


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_a_token_split_across_network_chunks_is_found(chunk: int) -> None:
    app = tiny_app()
    token = browser(TestClient(app))
    cookie = (b"cookie", b"csrftoken=" + token.encode())
    form = f"title=Hi+there&csrftoken={token}&body=x".encode()
    urlencoded = (b"content-type", b"application/x-www-form-urlencoded")
    status, body = run_asgi(app, form, [cookie, urlencoded], chunk)
    assert status == 200 and json.loads(body) == {
        "title": "Hi there",
        "csrftoken": token,
        "body": "x",
    }
    multipart = (
        f'--zz\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\n{token}\r\n'
        f'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--zz--\r\n"
    ).encode()
    kind = (b"content-type", b"multipart/form-data; boundary=zz")
    status, body = run_asgi(app, multipart, [cookie, kind], chunk)
    assert status == 200 and json.loads(body)["file"]["size"] == 5
    status, _ = run_asgi(app, multipart.replace(token.encode(), b"forged"), [cookie, kind], chunk)
    assert status == 403


# ---- the real app: every state-changing route -----------------------------------------------

OWNER = demo_content.OWNER
SITE = demo_content.SITE["slug"]
# Tables that change when someone merely uses the site (last use of a session or token).
BOOKKEEPING = {"sessions", "tokens"}


def unsafe_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path template) for every route that takes a write, mounts included."""
    for route in routes:
        if isinstance(route, Mount):
            yield from unsafe_routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            for method in UNSAFE if route.methods is None else sorted(route.methods):
                if method in UNSAFE:
                    yield method, prefix + route.path


def fingerprint(db: Database) -> dict[str, tuple[int, str]]:
    """Each content table's row count and a hash of its rows."""
    out = {}
    for row in db.all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        name = row["name"]
        if name in BOOKKEEPING:
            continue
        rows = sorted(repr(tuple(r)) for r in db.db.execute(f"SELECT * FROM [{name}]"))
        out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    settings = Settings(db=tmp_path_factory.mktemp("csrf") / "demo.db", synchronous="NORMAL")
    app = create_app(settings)
    db = app.state.db
    demo.load(db, files_dir=settings.files_path())
    owner = Actor(
        user_id=db.one("SELECT id FROM users WHERE email = ?", (OWNER["email"],))["id"],
        email=OWNER["email"],
        name=OWNER["name"],
    )
    guest = links.create_guest_link(db, owner, site=SITE, section="about-me")
    page = db.one(
        "SELECT p.slug FROM pages p JOIN sections s ON s.id = p.section_id"
        " WHERE s.key = 'about-me' ORDER BY p.id LIMIT 1"
    )["slug"]
    # Real values where the route would find something to change, so a hole would show.
    values = {
        "site": SITE,
        "section": "about-me",
        "page": page,
        "token": str(guest.token),
        "key": db.one("SELECT key FROM attachments LIMIT 1")["key"],
        "email": demo_content.CIRCLE[0]["email"],
        "theme": "default",
    }
    yield app, values


def concrete(path: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name, convertor = match.group(1), match.group(2)
        return "1" if convertor == "int" else values.get(name, "x")

    return re.sub(r"{(\w+)(?::(\w+))?}", fill, path)


def is_csrf_refusal(response: Any, path: str) -> bool:
    if response.status_code != 403:
        return False
    if path.startswith("/api/"):
        return bool(response.json()["error"]["code"] == "csrf")
    return "This form had expired or was sent from another page" in response.text


def test_every_write_without_a_valid_token_is_refused_and_changes_nothing(seeded) -> None:
    app, values = seeded
    db = app.state.db
    routes = sorted(set(unsafe_routes(app.starlette.router.routes)))
    # The list really is the app's: a handful that must be on it, from core and plugins.
    assert len(routes) > 40
    for expected in [
        ("POST", "/login"),
        ("POST", "/import"),
        ("PUT", "/api/v1/sites/{site}/pages/{section}/{page}"),
        ("POST", "/s/{site}/{section}/{page}/attach"),
        ("POST", "/api/v1/sites/{site}/attachments"),
        ("POST", "/s/{site}/handover-pack/new"),
        ("DELETE", "/api/v1/sites/{site}/grants/{grant_id:int}"),
    ]:
        assert expected in routes, expected

    owner = TestClient(app, follow_redirects=False)
    sign_in(owner, OWNER["email"], OWNER["password"])
    foreign = csrf_of(TestClient(app).get("/login").text)  # valid, but another browser's
    fields = {
        "title": "Forged",
        "body": "forged words",
        "slug": "forged",
        "name": "Forged",
        "action": "remove",
        "confirm": SITE,
        "email": "mallory@example.org",
        "base": "1",
        "revision": "1",
        "capability": "manage",
        "caption": "forged",
        "section": "about-me",
        "page": values["page"],
    }
    upload = {"file": ("forged.jpg", demo.bus_picture(), "image/jpeg")}
    before = fingerprint(db)
    wrong = []
    for method, template in routes:
        path = concrete(template, values)
        for token in ({}, {"csrftoken": foreign}):
            sent = {**fields, **token}
            for encoding, kwargs in (
                ("urlencoded", {"data": sent}),
                ("multipart", {"data": sent, "files": upload}),
                ("json", {"json": sent}),
            ):
                response = owner.request(method, path, **kwargs)  # type: ignore[arg-type]
                if not is_csrf_refusal(response, path):
                    wrong.append(
                        f"{method} {template} ({encoding}, {'a foreign' if token else 'no'}"
                        f" token): {response.status_code}"
                    )
    assert not wrong, "writes that were not refused for CSRF:\n" + "\n".join(wrong)
    assert fingerprint(db) == before
    assert owner.get("/api/v1/me").status_code == 200, "still signed in: the check did not sign out"

    # The fingerprint does see a change: the same session with its own token adds a section.
    own_token = csrf_of(owner.get(f"/s/{SITE}").text)
    added = owner.post(
        f"/s/{SITE}/sections", files={"title": (None, "Real one"), "csrftoken": (None, own_token)}
    )
    assert added.status_code == 303, added.text
    assert fingerprint(db) != before


# ---- the real app: sign-in forms and the cookie --------------------------------------------


def test_a_multipart_post_to_login_never_fails_with_a_server_error(app, people) -> None:
    owner = people.add("Ola")
    fresh = TestClient(app, follow_redirects=False)
    # `curl -F x=y /login`: no cookie, so refused as a forged sign-in (issue #15: it was a 500).
    assert fresh.post("/login", files={"x": (None, "y")}).status_code == 403
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", files={"x": (None, "y")}).status_code == 403
    wrong = client.post(
        "/login",
        files={
            "csrftoken": (None, token),
            "email": (None, owner.email),
            "password": (None, "not-it-at-all"),
        },
    )
    assert wrong.status_code == 400 and "Sign in" in wrong.text
    signed = client.post(
        "/login",
        files={
            "csrftoken": (None, token),
            "email": (None, owner.email),
            "password": (None, "correct-horse-battery"),
        },
    )
    assert signed.status_code == 303 and SESSION_COOKIE in signed.cookies


@pytest.mark.parametrize(
    "url", ["/login", "/login/email", "/login/forgot", "/login/reset/x", "/invite/x"]
)
def test_sign_in_forms_posted_without_a_cookie_are_refused(app, people, db, url) -> None:
    owner = people.add("Ola")
    before = fingerprint(db)
    response = TestClient(app, follow_redirects=False).post(
        url, data={"email": owner.email, "password": "correct-horse-battery", "name": "Mallory"}
    )
    assert response.status_code == 403 and "cookies are" in response.text
    assert SESSION_COOKIE not in response.cookies
    assert fingerprint(db) == before


def test_the_real_cookie_is_httponly_lax_and_secure_when_asked(tmp_path: Path) -> None:
    for secure in (False, True):
        settings = Settings(
            db=tmp_path / f"{secure}.db", synchronous="NORMAL", secure_cookies=secure
        )
        cookie = TestClient(create_app(settings)).get("/login").headers["set-cookie"]
        attributes = {part.strip() for part in cookie.split(";")}
        assert {"HttpOnly", "SameSite=Lax", "Path=/"} <= attributes
        assert ("Secure" in attributes) is secure


def test_no_script_reads_the_csrf_cookie() -> None:
    # The cookie is HttpOnly: fine while pages carry the token in their forms, not in scripts.
    root = Path(__file__).parent.parent
    scripts = [*root.glob("themes/*/static/*.js"), *root.glob("plugins/**/*.js")]
    assert scripts
    for script in scripts:
        assert "document.cookie" not in script.read_text(), script


def test_tokens_made_before_the_switch_from_asgi_csrf_still_work() -> None:
    # asgi-csrf signed a random string with the same secret and the "csrftoken" salt; pages
    # open in browsers while the server is upgraded keep working.
    from itsdangerous import URLSafeSerializer

    old = URLSafeSerializer(SECRET).dumps("AbCdEfGhIjKlMnOp", "csrftoken")
    client = TestClient(tiny_app())
    client.cookies.set("csrftoken", old)
    assert client.post("/form", data={"csrftoken": old, "a": "b"}).json()["a"] == "b"
    assert client.get("/page").text == old
