"""Kept pages (issue #21): a page drawn once is served again only while nothing it shows has
changed, and never to someone who may no longer read it.

Two apps on one database file play two workers (each keeps its own pages in its own memory,
as two processes would): a change made through one must be seen on the next request to
the other, which only works if the kept pages are keyed by the database's own change
counter (``sites.changes``, migration 0019), not by anything one worker remembers.
"""

from __future__ import annotations

import gzip
import importlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from wiki import accounts, clock, demo
from wiki.app import create_app
from wiki.db import Database
from wiki.middleware import SESSION_COOKIE
from wiki.settings import Settings
from wiki.store.audit import view_log

SITE = "rhys-marsden"
PROFILE = f"/s/{SITE}/about-me/one-page-profile"
SAMI = "sami.haddad@example.org"  # a friend: the friends group reads About me and Circle
JESS = "jess.marsden@example.org"  # his sister: edit on About me
RHYS = "rhys.marsden@example.org"


def _row(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = db.one(sql, params)
    assert row is not None
    return row


@dataclass
class Workers:
    a: TestClient  # the worker the reader's requests reach
    b: TestClient  # another worker, where the change is made
    db: Database

    def browser(self, email: str, *, worker: str = "a") -> TestClient:
        app = (self.a if worker == "a" else self.b).app
        client = TestClient(app, follow_redirects=False)
        user = accounts.find_user(self.db, email)
        assert user is not None
        client.cookies.set(SESSION_COOKIE, accounts.start_session(self.db, user, absolute_hours=24))
        return client

    def bearer(self, email: str) -> dict[str, str]:
        user = accounts.find_user(self.db, email)
        assert user is not None
        return {"Authorization": f"Bearer {accounts.create_token(self.db, user)}"}

    def shelf(self):
        return self.a.app.state.kept  # type: ignore[attr-defined]


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    settings = Settings(db=tmp_path / "wiki.db", synchronous="NORMAL")
    first = create_app(settings)
    demo.load(first.state.db)
    second = create_app(settings)
    yield Workers(TestClient(first), TestClient(second), first.state.db)


def _kept_twice(workers: Workers, browser: TestClient, url: str) -> str:
    """View twice; the second view must be served from the kept page."""
    first = browser.get(url)
    assert first.status_code == 200, first.text[:300]
    hits = workers.shelf().hits
    second = browser.get(url)
    assert second.status_code == 200
    assert workers.shelf().hits == hits + 1, "the second view was drawn again, not kept"
    return second.text


def test_a_friend_whose_grant_is_revoked_in_another_worker_is_not_served_the_kept_page(
    workers: Workers,
) -> None:
    sami = workers.browser(SAMI)
    _kept_twice(workers, sami, PROFILE)
    _kept_twice(workers, sami, f"/s/{SITE}/about-me")
    grants = workers.b.get(f"/api/v1/sites/{SITE}/grants", headers=workers.bearer(RHYS)).json()
    friends = next(g for g in grants if g["group"] == "friends" and g["section"] == "about-me")
    gone = workers.b.delete(
        f"/api/v1/sites/{SITE}/grants/{friends['id']}", headers=workers.bearer(RHYS)
    )
    assert gone.status_code in (200, 204)
    assert sami.get(PROFILE).status_code == 404
    assert sami.get(f"/s/{SITE}/about-me").status_code == 404
    # ... while what is still shared with him still opens
    assert sami.get(f"/s/{SITE}/circle").status_code == 200


def test_a_friend_with_view_on_about_me_still_gets_the_kept_page(workers: Workers) -> None:
    """The other side: nothing changed, so the page is served kept, with the same words."""
    sami = workers.browser(SAMI)
    drawn = sami.get(PROFILE).text
    assert _kept_twice(workers, sami, PROFILE) == drawn


def test_a_grant_that_expires_closes_the_kept_page_at_that_moment(workers: Workers) -> None:
    sami = workers.browser(SAMI)
    until = clock.iso(clock.now().replace(microsecond=0)).replace("+00:00", "Z")
    with workers.db.write():
        site_id = _row(workers.db, "SELECT id FROM sites WHERE slug = ?", (SITE,))["id"]
        user_id = _row(workers.db, "SELECT id FROM users WHERE email = ?", (SAMI,))["id"]
        soon = clock.iso(clock.now().replace(microsecond=0) + _seconds(2))
        workers.db.execute(
            "INSERT INTO grants (site_id, user_id, section, capability, expires_at, created_at)"
            " VALUES (?, ?, 'health', 'view', ?, ?)",
            (site_id, user_id, soon, until),
        )
    _kept_twice(workers, sami, f"/s/{SITE}/health/my-health")
    time.sleep(2.2)
    assert sami.get(f"/s/{SITE}/health/my-health").status_code == 404


def test_when_an_edit_grant_expires_the_kept_page_loses_its_edit_button(workers: Workers) -> None:
    """He may still read the page (through the friends group), so it still opens; but the
    page kept while he could change it must not be served once he cannot: no database row
    changes when a grant runs out, so only his access, decided on this request, can tell."""
    sami = workers.browser(SAMI)
    with workers.db.write():
        site_id = _row(workers.db, "SELECT id FROM sites WHERE slug = ?", (SITE,))["id"]
        user_id = _row(workers.db, "SELECT id FROM users WHERE email = ?", (SAMI,))["id"]
        soon = clock.iso(clock.now().replace(microsecond=0) + _seconds(2))
        workers.db.execute(
            "INSERT INTO grants (site_id, user_id, section, capability, expires_at, created_at)"
            " VALUES (?, ?, 'about-me', 'edit', ?, ?)",
            (site_id, user_id, soon, clock.iso()),
        )
    edit = f'href="{PROFILE}/edit"'
    assert edit in _kept_twice(workers, sami, PROFILE)
    time.sleep(2.2)
    later = sami.get(PROFILE)
    assert later.status_code == 200 and edit not in later.text


def _seconds(n: int):
    from datetime import timedelta

    return timedelta(seconds=n)


def test_a_save_in_another_worker_is_on_the_next_view_in_this_one(workers: Workers) -> None:
    jess = workers.browser(JESS)
    _kept_twice(workers, jess, PROFILE)
    api = f"/api/v1/sites/{SITE}/pages/about-me/one-page-profile"
    current = workers.b.get(api, headers=workers.bearer(JESS)).json()
    body = current["body"] + "\n\nRhys now takes the 42 bus on his own."
    saved = workers.b.put(
        api, json={"body": body, "base_revision": current["revision"]}, headers=workers.bearer(JESS)
    )
    assert saved.status_code == 200, saved.text
    assert "takes the 42 bus on his own" in jess.get(PROFILE).text


def test_reading_choices_made_in_another_worker_change_the_next_page(workers: Workers) -> None:
    sami = workers.browser(SAMI)
    assert "easy-read" not in _kept_twice(workers, sami, PROFILE).split("<body", 1)[1][:200]
    chosen = workers.b.put(
        "/api/v1/me/preferences",
        json={"theme": "high-contrast", "text_size": "larger", "easy_read": True,
              "read_aloud": False},
        headers=workers.bearer(SAMI),
    )  # fmt: skip
    assert chosen.status_code == 200, chosen.text
    body = sami.get(PROFILE).text.split("<body", 1)[1][:200]
    assert "theme-high-contrast" in body and "easy-read" in body


def test_a_new_look_for_the_plan_in_another_worker_is_on_the_next_page(workers: Workers) -> None:
    sami = workers.browser(SAMI)
    assert "theme-default" in _kept_twice(workers, sami, PROFILE)
    with workers.db.write():  # as the look page does it, through another process
        workers.db.execute("UPDATE sites SET theme = 'large-text' WHERE slug = ?", (SITE,))
    assert "theme-large-text" in sami.get(PROFILE).text


def test_each_browser_gets_its_own_token_in_a_kept_page(workers: Workers) -> None:
    """The CSRF token is filled in per request: never the mark, never someone else's."""
    one, two = workers.browser(SAMI), workers.browser(SAMI)
    first = _kept_twice(workers, one, PROFILE)
    second = two.get(PROFILE).text
    kept = importlib.import_module("wiki.routes.kept")
    for page, browser in ((first, one), (second, two)):
        token = browser.cookies.get("csrftoken")
        assert token and f'name="csrftoken" value="{token}"' in page
        assert kept.MARK not in page
    assert one.cookies.get("csrftoken") != two.cookies.get("csrftoken")


def test_a_kept_page_view_is_still_in_the_audit_log(workers: Workers) -> None:
    sami = workers.browser(SAMI)
    db = workers.db
    user_id = _row(db, "SELECT id FROM users WHERE email = ?", (SAMI,))["id"]
    _kept_twice(workers, sami, PROFILE)
    view_log(db).flush(db)
    views = _row(
        db,
        "SELECT COUNT(*) AS n FROM audit WHERE user_id = ? AND action = 'view' AND page_id ="
        " (SELECT id FROM pages WHERE slug = 'one-page-profile')",
        (user_id,),
    )["n"]
    assert views == 2


def test_a_revoked_guest_link_is_not_served_its_kept_page(workers: Workers) -> None:
    made = workers.b.post(
        f"/api/v1/sites/{SITE}/links", json={"section": "about-me"}, headers=workers.bearer(RHYS)
    )
    assert made.status_code in (200, 201), made.text
    link = made.json()
    guest = TestClient(workers.a.app, follow_redirects=False)
    path = link["url"].split("://", 1)[-1]
    path = path[path.index("/") :] if not path.startswith("/") else path
    page = f"{path.rstrip('/')}/about-me/one-page-profile"
    _kept_twice(workers, guest, page)
    gone = workers.b.delete(
        f"/api/v1/sites/{SITE}/links/{link['id']}", headers=workers.bearer(RHYS)
    )
    assert gone.status_code in (200, 204)
    assert guest.get(page).status_code == 404


def test_every_table_of_a_plan_moves_its_change_counter_or_is_named_as_not(
    workers: Workers,
) -> None:
    """A new table with a site_id must say whether pages show it: counted tables have the
    triggers (migration 0019), the others are named as not shown."""
    step = importlib.import_module("migrations.0019_site_changes")
    db = workers.db
    tables = [
        r["name"]
        for r in db.all("SELECT name FROM sqlite_master WHERE type = 'table'")
        if any(c["name"] == "site_id" for c in db.all(f"PRAGMA table_info('{r['name']}')"))
    ]
    unnamed = [t for t in tables if t not in step.COUNTED + step.NOT_COUNTED]
    unnamed = [t for t in unnamed if not t.startswith("search_index")]
    assert unnamed == [], f"say in migrations/0019_site_changes.py whether pages show {unnamed}"
    triggers = {r["name"] for r in db.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in step.COUNTED:
        for event in ("insert", "update", "delete"):
            assert f"{table}_changes_{event}" in triggers
    before = _row(db, "SELECT changes FROM sites WHERE slug = ?", (SITE,))["changes"]
    with db.write():
        db.execute("UPDATE sections SET title = 'All about me' WHERE key = 'about-me'")
    after = _row(db, "SELECT changes FROM sites WHERE slug = ?", (SITE,))["changes"]
    assert after > before
    # A draft names its page, not the plan: it moves the plan's number all the same (#26).
    with db.write():
        db.execute(
            "INSERT INTO drafts (user_id, page_id, title, body, base, saved_at)"
            " SELECT owner_id, (SELECT MIN(id) FROM pages WHERE site_id = sites.id), 'x', 'y', 1,"
            " '2026-12-08T00:00:00+00:00' FROM sites WHERE slug = ?",
            (SITE,),
        )
    assert _row(db, "SELECT changes FROM sites WHERE slug = ?", (SITE,))["changes"] > after


@pytest.mark.parametrize(
    "page",
    [
        "<p>{mark}</p>" + "<p>What people like about me: kind, funny, loves buses.</p>" * 40,
        "<p>a\x00b {mark} c</p>" * 3,  # a NUL in the page: compressed the ordinary way
        "<p>no token at all</p>" * 10,
        "{mark}{mark}<p>{mark}</p>",
    ],
)
@pytest.mark.parametrize("token_length", [60, 59])
def test_a_kept_page_compressed_in_parts_reads_back_whole(page: str, token_length: int) -> None:
    kept = importlib.import_module("wiki.routes.kept")
    text = page.format(mark=kept.MARK)
    made = kept.Shelf().put(("page",), text, 200, None, 60)
    token = "T" * token_length
    answer = made.response(token, gzip=True)
    assert gzip.decompress(answer.body).decode() == text.replace(kept.MARK, token)
    assert made.response(token).body.decode() == text.replace(kept.MARK, token)
