"""Each request loads the site, the person's grants and the decision once (issue #13).

The numbers below are the SQL statements one request runs on the demo plan, counted with
SQLite's own trace hook on every connection the app opens (the page-view log's writer
thread is left out: it files views in batches, on its own clock). A route that loads the
site again, or a store call that re-decides access, adds statements and turns this red.
The ceilings are a little over the counts measured when this test was written (page view
6, diff 10, sharing page 11; a save 43-85, most of them the search index's own upkeep,
which grows with the page); before, a diff loaded the site three times (16 statements)
and the sharing page five times (23).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import wiki.db
from wiki import accounts, demo
from wiki.app import create_app
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor, Preferences
from wiki.settings import Settings
from wiki.templates import available_themes

SITE = "rhys-marsden"
# A steward (mum): her grants are loaded too, unlike the owner's.
STEWARD = "claire.marsden@example.org"
# The statements that load one site with one person's access: the site row, their grants
# (one UNION ALL), the sections. Each appears once per request.
LOADING = (
    "FROM sites LEFT JOIN users",
    "FROM members m JOIN grants",
    "FROM sections WHERE site_id",
)


@dataclass
class Counter:
    statements: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, sql: str) -> None:
        if threading.current_thread().name == "planwiki-view-log":
            return
        with self.lock:
            self.statements.append(sql)

    def during(self, request) -> list[str]:
        with self.lock:
            self.statements.clear()
        request()
        with self.lock:
            return list(self.statements)


@pytest.fixture
def counted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[TestClient, Counter]]:
    counter = Counter()
    real_connect = wiki.db.connect

    def connect(*args, **kwargs):
        made = real_connect(*args, **kwargs)
        made.conn.set_trace_callback(counter.note)
        return made

    monkeypatch.setattr(wiki.db, "connect", connect)
    app = create_app(Settings(db=tmp_path / "wiki.db", synchronous="NORMAL"))
    demo.load(app.state.db)
    user = accounts.find_user(app.state.db, STEWARD)
    assert user is not None
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(
        SESSION_COOKIE, accounts.start_session(app.state.db, user, absolute_hours=24)
    )
    client.get(
        f"/s/{SITE}"
    )  # warm: first-use work (plugins' templates, secrets) is not per request
    yield client, counter


def loads(statements: list[str]) -> dict[str, int]:
    return {marker: sum(marker in s for s in statements) for marker in LOADING}


def _page_url(client: TestClient) -> str:
    return f"/s/{SITE}/about-me/one-page-profile"


@pytest.mark.parametrize(
    "name, ceiling",
    [("page view", 8), ("diff", 12), ("save", 100), ("sharing page", 14)],
)
def test_a_request_loads_the_site_and_decides_access_once(counted, name: str, ceiling: int):
    client, counter = counted
    url = _page_url(client)
    if name == "page view":
        statements = counter.during(lambda: _ok(client.get(url)))
    elif name == "diff":
        _save(client, url, "A first change.")
        _save(client, url, "A second change.")
        statements = counter.during(lambda: _ok(client.get(f"{url}/diff?from=1&to=2")))
    elif name == "save":
        post = _save_form(client, url, "One more change.")
        statements = counter.during(post)
    else:
        statements = counter.during(lambda: _ok(client.get(f"/s/{SITE}/sharing")))
    assert loads(statements) == dict.fromkeys(LOADING, 1), "\n".join(statements)
    assert len(statements) <= ceiling, f"{name}: {len(statements)} statements\n" + "\n".join(
        statements
    )


def _ok(response) -> None:
    assert response.status_code == 200, response.text[:500]


def _save(client: TestClient, url: str, words: str) -> None:
    _save_form(client, url, words)()


def _save_form(client: TestClient, url: str, words: str):
    """The edit form filled in, as a call that sends it (so only the POST is counted)."""
    form = client.get(f"{url}/edit?view=text")
    assert form.status_code == 200
    token = client.cookies.get("csrftoken")
    base = _field(form.text, "base")
    title = _field(form.text, "title")
    body = _field(form.text, "body", textarea=True) + "\n\n" + words
    data = {"title": title, "body": body, "base": base, "summary": "", "csrftoken": token or ""}

    def send() -> None:
        answer = client.post(f"{url}/edit", data=data)
        assert answer.status_code == 303, answer.text[:500]

    return send


def _field(html: str, name: str, *, textarea: bool = False) -> str:
    import html as html_lib
    import re

    if textarea:
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    else:
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', html
        )
    assert found, f"no {name} field"
    return html_lib.unescape(found.group(1))


def test_a_persons_own_reading_choices_cost_a_page_view_no_query(counted) -> None:
    """They are read with the session (issue #16): own colours, big text, easy read and read
    aloud change the page, not the number of statements behind it."""
    client, counter = counted
    url = _page_url(client)
    plain = counter.during(lambda: _ok(client.get(url)))
    db = client.app.state.db
    user = accounts.find_user(db, STEWARD)
    assert user is not None
    mine = Preferences(theme="own-colours", text_size="larger", easy_read=True, read_aloud=True,
                       text_colour="#ffffff", background_colour="#0b2e59")  # fmt: skip
    accounts.set_preferences(db, Actor(user_id=user.id, email=user.email, name=user.name), mine,
                             themes=available_themes())  # fmt: skip
    page: list[str] = []
    chosen = counter.during(lambda: page.append(client.get(url).text))
    assert "theme-own-colours text-larger easy-read read-aloud" in page[0]
    assert len(chosen) == len(plain), "\n".join(chosen)
