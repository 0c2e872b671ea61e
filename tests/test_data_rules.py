"""Rules about data live once, in ``wiki.models``, and the store enforces them for every
caller: the web form, the JSON API and a plugin get the same refusal (issue #13)."""

from __future__ import annotations

import re

import pytest
from starlette.routing import BaseRoute, Mount, Route

from wiki import accounts, store
from wiki.errors import Invalid
from wiki.models import CORE_RESERVED_SECTION_KEYS, Actor
from wiki.plugins import PluginContext
from wiki.store import circle

# The built-in plugins' own page words, declared through their hook (issue #25).
PLUGIN_WORDS = {"review", "handover-pack", "ehc-plan"}
RESERVED = CORE_RESERVED_SECTION_KEYS | PLUGIN_WORDS

SITE = "ivy"
BAD_ADDRESSES = ["Has Capitals", "two--hyphens", "-edge", "x" * 61, "", "ünïcode", "a/b"]


@pytest.fixture
def owner(db) -> Actor:
    made = accounts.create_user(db, email="ivy@example.org", name="Ivy")
    actor = Actor(user_id=made.id, email=made.email, name=made.name)
    store.create_site(db, actor, slug=SITE, title="Ivy's plan")
    return actor


def _paths(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    found = []
    for route in routes:
        if isinstance(route, Mount):
            found += _paths(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            found.append(prefix + route.path)
    return found


def test_every_page_of_the_app_under_a_site_is_a_reserved_section_key(app):
    """A section whose key a route shadows could never be opened: the router (core and
    built-in plugins) and the one reserved list must agree."""
    words = {
        m.group(1)
        for path in _paths(list(app.starlette.router.routes))
        if (m := re.match(r"^/s/\{site\}/([a-z-]+)(?:/|$)", path))
    }
    assert words, "no /s/{site}/WORD routes found"
    declared = CORE_RESERVED_SECTION_KEYS | app.state.db.extensions.reserved
    assert words <= declared, sorted(words - declared)


def test_the_built_in_plugins_declare_their_own_page_words_not_the_core(app):
    assert app.state.db.extensions.reserved == PLUGIN_WORDS
    assert not PLUGIN_WORDS & CORE_RESERVED_SECTION_KEYS


@pytest.mark.parametrize("key", sorted(RESERVED - {"-"}) + BAD_ADDRESSES)
def test_a_reserved_or_bad_section_key_is_refused_by_the_store_the_api_and_a_plugin(
    app, db, owner: Actor, people, key: str
):
    with pytest.raises(Invalid):
        store.add_section(db, owner, site=SITE, key=key, title="Anything")
    with pytest.raises(Invalid):
        PluginContext(db, owner).add_section(SITE, key=key, title="Anything")
    token = accounts.create_token(db, accounts.find_user(db, owner.email))  # type: ignore[arg-type]
    from starlette.testclient import TestClient

    api = TestClient(app, headers={"authorization": f"Bearer {token}"})
    answer = api.post(f"/api/v1/sites/{SITE}/sections", json={"key": key, "title": "Anything"})
    assert answer.status_code in (400, 422), answer.text
    assert [s.key for s in store.site_for(db, owner, SITE).sections if s.key == key] == []


def test_a_good_section_key_is_taken_by_each_caller(db, owner: Actor):
    store.add_section(db, owner, site=SITE, key="swimming", title="Swimming")
    PluginContext(db, owner).add_section(SITE, key="music", title="  Music  ")
    titles = {s.key: s.title for s in store.site_for(db, owner, SITE).sections}
    assert titles["swimming"] == "Swimming" and titles["music"] == "Music"


@pytest.mark.parametrize("title", ["", "   ", "x" * 121])
def test_a_bad_title_is_refused_for_sections_pages_groups_and_sites(db, owner: Actor, title: str):
    with pytest.raises(Invalid):
        store.add_section(db, owner, site=SITE, key="clubs", title=title)
    with pytest.raises(Invalid):
        store.rename_section(db, owner, site=SITE, section="about-me", title=title)
    with pytest.raises(Invalid):
        PluginContext(db, owner).save(SITE, "about-me", "hello", body="Hi", base_revision=None,
                                      title=title)  # fmt: skip
    with pytest.raises(Invalid):
        circle.add_group(db, owner, site=SITE, key="club", title=title)
    with pytest.raises(Invalid):
        store.create_site(db, owner, slug="another", title=title)
    assert store.site_for(db, owner, SITE).section("about-me").title == "About me"


@pytest.mark.parametrize("slug", BAD_ADDRESSES)
def test_a_bad_page_or_site_address_is_refused_by_the_store_for_a_plugin_too(
    db, owner: Actor, slug: str
):
    with pytest.raises(Invalid):
        PluginContext(db, owner).save(SITE, "about-me", slug, body="Hi", base_revision=None)
    with pytest.raises(Invalid):
        store.create_site(db, owner, slug=slug, title="Another plan")
    store.save_page(db, owner, site=SITE, section="about-me", page="hello", body="Hi",
                    base_revision=None)  # fmt: skip
    with pytest.raises(Invalid):
        store.rename_page(db, owner, site=SITE, section="about-me", page="hello", new_slug=slug)
    assert [p.slug for p in store.list_pages(db, owner, site=SITE, section="about-me")[1]] == [
        "hello"
    ]
