"""The same page address in two sections and in two plans (issue #25).

Ava's plan has a page called ``notes`` in About me (Ben may change it) and another called
``notes`` in Health (hidden from Ben); Bob's plan has its own ``about-me/notes``. Every door
to a page — reading it, its history, one revision, a diff, restoring, the edit form and the
API's revisions — must find the page by plan, section *and* address: Ben only ever meets
About me's words, never Health's nor Bob's.
"""

from __future__ import annotations

import pytest
from conftest import post_form

from wiki import accounts, store
from wiki.store import circle

ABOUT = ["Ben's first words about Ava.", "Ben's second words about Ava."]
HEALTH = ["HEALTHSECRET one.", "HEALTHSECRET two."]
BOBS = ["BOBSWORDS one.", "BOBSWORDS two."]


@pytest.fixture
def plans(people, db):
    ava, bob, ben = people.add("Ava"), people.add("Bob"), people.add("Ben")
    store.create_site(db, ava, slug="ava", title="Ava's plan")
    store.create_site(db, bob, slug="bob", title="Bob's plan")
    circle.add_member(db, ava, site="ava", email=ben.email, relationship="friend")
    circle.add_grant(db, ava, site="ava", section="about-me", capability="edit", person=ben.email)
    # Health's and Bob's pages are written first: a lookup that forgot the section or the plan
    # would meet their revisions before About me's. Each summary carries the page's words too.
    for owner, site, section, words in (
        (bob, "bob", "about-me", BOBS), (ava, "ava", "health", HEALTH), (ava, "ava", "about-me", ABOUT),
    ):  # fmt: skip
        base = None
        for text in words:
            base = store.save_page(db, owner, site=site, section=section, page="notes", body=text,
                                   base_revision=base, title="Notes", summary=text).page.revision  # fmt: skip
    return ava, bob, ben


def no_hidden_words(text: str) -> None:
    assert "HEALTHSECRET" not in text and "BOBSWORDS" not in text


def test_ben_meets_only_about_mes_notes_through_every_door(plans, people, db):
    _ava, _bob, ben = plans
    client = people.client(ben)
    token = accounts.create_token(db, accounts.find_user(db, ben.email))  # type: ignore[arg-type]
    api = people.client()
    api.headers["authorization"] = f"Bearer {token}"
    base = "/s/ava/about-me/notes"
    answers = {
        "page": client.get(base),
        "history": client.get(f"{base}/history"),
        "revision 1": client.get(f"{base}/revisions/1"),
        "diff": client.get(f"{base}/diff?from=1&to=2"),
        "edit form": client.get(f"{base}/edit"),
        "api page": api.get("/api/v1/sites/ava/pages/about-me/notes"),
        "api revisions": api.get("/api/v1/sites/ava/pages/about-me/notes/revisions"),
        "api revision 1": api.get("/api/v1/sites/ava/pages/about-me/notes/revisions/1"),
    }
    for door, response in answers.items():
        assert response.status_code == 200, door
        no_hidden_words(response.text)
    assert "first words" in answers["revision 1"].text
    assert "first words" in answers["api revision 1"].text
    # Health's notes are not there for Ben by any of the same doors.
    for door in ("", "/history", "/revisions/1", "/diff?from=1&to=2", "/edit"):
        assert client.get(f"/s/ava/health/notes{door}").status_code == 404, door


def test_restoring_about_mes_notes_brings_back_about_mes_words(plans, people, db):
    ava, _bob, ben = plans
    client = people.client(ben)
    restored = post_form(client, "/s/ava/about-me/notes/restore", {"revision": "1"},
                         page="/s/ava/about-me/notes/history")  # fmt: skip
    assert restored.status_code == 303, restored.text
    about = store.get_page(db, ava, site="ava", section="about-me", page="notes")[1]
    health = store.get_page(db, ava, site="ava", section="health", page="notes")[1]
    bobs = store.get_page(db, plans[1], site="bob", section="about-me", page="notes")[1]
    assert about.body == ABOUT[0] and about.revision == 3
    assert health.body == HEALTH[1] and health.revision == 2
    assert bobs.body == BOBS[1] and bobs.revision == 2
