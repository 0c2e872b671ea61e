"""A guard on the work behind a page view (issue #21): a feature that adds work to every page
fails here when it is added, not months later in a benchmark.

Work is counted, not timed, so the numbers are the same on a busy machine: the Python and C
calls one request makes (``sys.setprofile``), on the demo plan, once drawn (nothing kept)
and once kept. Each page has a ceiling a little over what it measured when this was
written (the numbers in the table); a change that needs more must raise its ceiling here,
in the same commit, and say why. Python versions count a little differently: CI and this
file use 3.11.

The reading choices and a guest link must cost no more than 10 % over the standard view
once a page is kept, and 30 circle members no more than 3 (tests/test_queries_per_request.py).
"""

from __future__ import annotations

import asyncio
import gzip
import importlib
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.testclient import TestClient

from wiki import accounts, demo
from wiki.app import create_app
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor, Preferences
from wiki.settings import Settings
from wiki.templates import available_themes

SITE = "rhys-marsden"
PROFILE = f"/s/{SITE}/about-me/one-page-profile"
SECTION = f"/s/{SITE}/about-me"
RHYS = "rhys.marsden@example.org"

# (page, drawn ceiling, kept ceiling); measured: see the module's words.
CEILINGS = {
    PROFILE: (4_750, 345),  # measured 4,308 drawn, 311 kept (before issue #21: 6,599 drawn)
    SECTION: (3_600, 320),  # 3,250 and 289 (4,151 drawn before)
    # Drawn for every view (who has looked). 6,834 calls on this branch; 38,499 once merged
    # with main on 2026-12-08: the review plugin's plan-home note (plugins/review_runner.py,
    # next_review -> read_review) parses the next review's YAML on every view, ~31,000 calls.
    # Held here so it grows no further; parsing once per revision would bring it back.
    f"/s/{SITE}": (40_500, None),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    loop = asyncio.new_event_loop()
    made = create_app(
        Settings(db=tmp_path_factory.mktemp("work") / "wiki.db", synchronous="NORMAL")
    )
    demo.load(made.state.db)
    made.state.loop = loop
    yield made
    loop.close()


def _browser(app: Any, email: str, prefs: Preferences | None = None) -> TestClient:
    db = app.state.db
    user = accounts.find_user(db, email)
    assert user is not None
    if prefs is not None:
        actor = Actor(user_id=user.id, email=user.email, name=user.name)
        accounts.set_preferences(db, actor, prefs, themes=available_themes())
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, accounts.start_session(db, user, absolute_hours=24))
    return client


_APP_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-work")


class Reader:
    """One browser, calling the app directly on this thread (a test client runs the app on
    another thread, out of ``sys.setprofile``'s sight), with its cookies."""

    def __init__(self, app: Any, cookies: dict[str, str]) -> None:
        self.app, self.cookies = app, dict(cookies)
        self.loop = app.state.loop

    def get(
        self,
        url: str,
        *,
        counted: bool = False,
        headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
    ) -> tuple[int, int]:
        """The status, and the calls made by the app (when ``counted``); the answer's headers
        and bytes as they were sent are in ``last``."""
        path, _, query = url.partition("?")
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "root_path": "", "client": ("127.0.0.1", 5000),
                 "server": ("127.0.0.1", 80), "state": {},
                 "headers": [(b"host", b"testserver"), (b"accept", b"text/html"),
                             (b"cookie", cookie.encode()), *headers]}  # fmt: skip
        status, count = 0, 0
        self.last: tuple[dict[bytes, bytes], bytes] = ({}, b"")

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.body":
                self.last = (self.last[0], self.last[1] + message.get("body", b""))
            if message["type"] == "http.response.start":
                status = message["status"]
                self.last = (dict(message["headers"]), b"")
                for name, value in message["headers"]:
                    if name == b"set-cookie":
                        pair = value.decode().split(";", 1)[0]
                        self.cookies[pair.split("=", 1)[0]] = pair.split("=", 1)[1]

        def note(frame: Any, event: str, arg: Any) -> None:
            nonlocal count
            if event in ("call", "c_call"):
                count += 1

        async def run() -> None:
            if counted:
                sys.setprofile(note)
            try:
                await self.app(scope, receive, send)
            finally:
                sys.setprofile(None)

        # On a thread of its own: a browser test earlier in the session may leave an event
        # loop running on the main thread (Playwright's sync API). The profile is set inside
        # ``run``, so it counts the thread the app runs on; always the same thread, so the
        # database connection (one per thread) is opened once, not counted on every call.
        _APP_THREAD.submit(self.loop.run_until_complete, run()).result()
        return status, count


def _reader(app: Any, email: str, prefs: Preferences | None = None) -> Reader:
    db = app.state.db
    user = accounts.find_user(db, email)
    assert user is not None
    if prefs is not None:
        actor = Actor(user_id=user.id, email=user.email, name=user.name)
        accounts.set_preferences(db, actor, prefs, themes=available_themes())
    session = accounts.start_session(db, user, absolute_hours=24)
    return Reader(app, {SESSION_COOKIE: session})


def _drawn_and_kept(app: Any, reader: Reader, url: str) -> tuple[int, int]:
    for _ in range(2):  # first use of templates, words and caches is not per request
        app.state.kept.clear()
        assert reader.get(url)[0] == 200
    app.state.kept.clear()
    status, drawn = reader.get(url, counted=True)
    assert status == 200
    status, kept = reader.get(url, counted=True)
    assert status == 200
    return drawn, kept


@pytest.mark.parametrize("url", list(CEILINGS))
def test_the_work_behind_a_page_view_stays_under_its_ceiling(app: Any, url: str) -> None:
    drawn, kept = _drawn_and_kept(app, _reader(app, RHYS), url)
    drawn_ceiling, kept_ceiling = CEILINGS[url]
    assert drawn <= drawn_ceiling, f"{url} drawn: {drawn} calls (ceiling {drawn_ceiling})"
    if kept_ceiling is not None:
        assert kept <= kept_ceiling, f"{url} kept: {kept} calls (ceiling {kept_ceiling})"


@pytest.mark.parametrize(
    "email, prefs",
    [
        ("sami.haddad@example.org", Preferences(easy_read=True)),
        ("tom.brennan@example.org", Preferences(theme="large-text", text_size="larger")),
        ("helen.price@example.org", Preferences(theme="high-contrast")),
    ],
)
def test_reading_choices_cost_no_more_than_a_tenth_over_the_standard_view(
    app: Any, email: str, prefs: Preferences
) -> None:
    _drawn, standard = _drawn_and_kept(app, _reader(app, email), PROFILE)
    _drawn, chosen = _drawn_and_kept(app, _reader(app, email, prefs), PROFILE)
    assert chosen <= standard * 1.1, f"{prefs}: {chosen} calls against {standard}"


def test_a_guest_link_costs_no_more_than_a_tenth_over_a_signed_in_view(app: Any) -> None:
    owner = accounts.find_user(app.state.db, RHYS)
    assert owner is not None
    api = TestClient(
        app, headers={"Authorization": f"Bearer {accounts.create_token(app.state.db, owner)}"}
    )
    made = api.post(f"/api/v1/sites/{SITE}/links", json={"section": "about-me"})
    assert made.status_code in (200, 201), made.text
    path = "/" + made.json()["url"].split("://", 1)[-1].split("/", 1)[1]
    guest = Reader(app, {})
    _drawn, by_link = _drawn_and_kept(app, guest, f"{path.rstrip('/')}/about-me/one-page-profile")
    _drawn, standard = _drawn_and_kept(app, _reader(app, "sami.haddad@example.org"), PROFILE)
    assert by_link <= standard * 1.1, f"guest link: {by_link} calls against {standard}"


# HTML before compression, in KB. The target is 15 KB for every page; a reader's
# pages are within it, the pages of those who may change them are not yet: the forms for
# files (page_media.html: 8.9 KB of the one-page profile) and the sharing grid are most of
# it (docs/performance.md). These ceilings keep every page from growing meanwhile.
SIZES = {
    ("sami.haddad@example.org", PROFILE): 15,
    ("sami.haddad@example.org", f"/s/{SITE}"): 15,
    (RHYS, SECTION): 15,
    (RHYS, f"/s/{SITE}"): 15,
    (RHYS, PROFILE): 19,  # 18.5 measured
    (RHYS, f"/s/{SITE}/budget/personal-budget"): 24,  # 23.4
    (
        RHYS,
        f"/s/{SITE}/sharing",
    ): 31,  # 30.2: a line keeps one leading space (it may part two words)
}


@pytest.mark.parametrize("email, url", list(SIZES))
def test_pages_stay_within_their_size(app: Any, email: str, url: str) -> None:
    size = len(_browser(app, email).get(url).content) / 1024
    assert size <= SIZES[email, url], f"{url} for {email}: {size:.1f} KB"


def test_a_kept_page_is_compressed_when_the_browser_asks_and_other_pages_never(
    app: Any,
) -> None:
    """Other pages hold the form's secret beside words someone else chose (a search, a
    name): compressed together, the sizes would give the secret away (BREACH)."""
    rhys = _browser(app, RHYS)
    for url in (PROFILE, PROFILE):  # drawn, then kept
        plain = rhys.get(url, headers={"accept-encoding": "identity"})
        squeezed = rhys.get(url, headers={"accept-encoding": "gzip"})
        assert "content-encoding" not in plain.headers
        assert squeezed.headers["content-encoding"] == "gzip"
        assert squeezed.num_bytes_downloaded < len(plain.content) / 2
        assert squeezed.text == plain.text  # the same page, the same token
    for url in (f"/s/{SITE}", f"/s/{SITE}/search?q=csrftoken", "/api/v1/me"):
        answer = rhys.get(url, headers={"accept-encoding": "gzip"})
        assert answer.status_code == 200 and "content-encoding" not in answer.headers, url
    style = rhys.get("/static/default/style.css", headers={"accept-encoding": "gzip"})
    assert style.headers.get("content-encoding") == "gzip"


def test_the_token_in_a_kept_page_is_compressed_apart_from_the_page(app: Any) -> None:
    """The compressed size cannot depend on how much the token looks like the page's
    words: any two tokens of one length give answers of one length."""
    kept = importlib.import_module("wiki.routes.kept")
    text = f"<p>{kept.MARK}</p><p>search: Im1Vb3hkbXJ4WnF6X2pF aaaa</p>" * 20
    made = kept.Shelf().put(("page",), text, 200, None, 20)
    like = made.response("Im1Vb3hkbXJ4WnF6X2pF", gzip=True).body
    unlike = made.response("zzzzzzzzzzzzzzzzzzzz", gzip=True).body
    assert len(like) == len(unlike)


def test_a_kept_page_compressed_in_parts_is_one_valid_gzip_stream(app: Any) -> None:
    """Read with Python's own gzip module, which checks the CRC and the length."""
    reader = _reader(app, RHYS)
    app.state.kept.clear()
    for _ in range(2):  # drawn, then kept
        assert reader.get(PROFILE, headers=[(b"accept-encoding", b"gzip")])[0] == 200
        sent, squeezed = reader.last
        assert sent[b"content-encoding"] == b"gzip"
        page = gzip.decompress(squeezed).decode()
        assert f'value="{reader.cookies["csrftoken"]}"' in page
    assert reader.get(PROFILE)[0] == 200
    assert reader.last[1].decode() == page


def test_files_are_sent_as_they_are(app: Any) -> None:
    rhys = _browser(app, RHYS)
    page = rhys.get(PROFILE).text
    start = page.index("/s/rhys-marsden/-/files/")
    url = page[start : page.index('"', start)]
    answer = rhys.get(url, headers={"accept-encoding": "gzip", "range": "bytes=0-99"})
    assert answer.status_code in (200, 206)
    assert "content-encoding" not in answer.headers
