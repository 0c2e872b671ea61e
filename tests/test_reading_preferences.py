"""Reading preferences follow the person, not the plan (issue #16): the core — the model,
where they are kept, and that a page is drawn with the reader's own choice."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from wiki import accounts, store
from wiki.errors import Invalid
from wiki.models import ANONYMOUS, DEFAULT_PREFERENCES, Preferences
from wiki.routes.common import READING_COOKIE
from wiki.store import circle
from wiki.templates import available_themes


def test_broken_or_unknown_stored_choices_fall_back_to_the_plans_look() -> None:
    for raw in (None, "", "not json", '{"theme": "../../etc"}', '{"text_size": "huge"}',
                '{"easy_read": true, "extra": 1}'):  # fmt: skip
        assert Preferences.parse(raw) == DEFAULT_PREFERENCES
    for cookie in (None, "", "%%%", "x" * 500, "bm90IGpzb24"):
        assert Preferences.from_cookie(cookie) == DEFAULT_PREFERENCES
    mine = Preferences(theme="high-contrast", text_size="larger", easy_read=True)
    assert Preferences.from_cookie(mine.as_cookie()) == mine
    assert mine.theme_or("default") == "high-contrast"
    assert DEFAULT_PREFERENCES.theme_or("large-text") == "large-text"


def test_a_look_that_is_not_installed_is_refused_and_nothing_changes(people, db) -> None:
    mum = people.add("Mum")
    with pytest.raises(Invalid):
        accounts.set_preferences(db, mum, Preferences(theme="neon"), themes=available_themes())
    assert db.one("SELECT preferences FROM users WHERE id = ?", (mum.user_id,))[0] is None
    with pytest.raises(Invalid):
        accounts.set_preferences(db, ANONYMOUS, Preferences(), themes=available_themes())


def test_mum_with_low_vision_reads_ola_plan_in_high_contrast_while_ola_keeps_her_look(
    people, db
) -> None:
    ola, mum = people.add("Ola"), people.add("Mum")
    store.create_site(db, ola, slug="ola", title="Ola's plan")
    circle.add_member(db, ola, site="ola", email=mum.email, relationship="mum", groups=[])
    circle.add_grant(db, ola, site="ola", section="*", capability="view", person=mum.email)
    accounts.set_preferences(db, mum, Preferences(theme="high-contrast"), themes=available_themes())
    mums, olas = people.client(mum), people.client(ola)
    assert 'class="theme-high-contrast' in mums.get("/s/ola").text
    assert 'class="theme-default' in olas.get("/s/ola").text
    assert 'class="theme-high-contrast' in mums.get("/").text, "on every page, not one plan"


def test_a_reader_without_an_account_keeps_their_choice_in_a_cookie(app) -> None:
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(READING_COOKIE, Preferences(theme="large-text").as_cookie())
    assert 'class="theme-large-text' in client.get("/login").text
    client.cookies.set(READING_COOKIE, Preferences(theme="gone-theme").as_cookie())
    assert 'class="theme-default' in client.get("/login").text
