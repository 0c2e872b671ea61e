"""Who sees what in the demo circle, door by door (issue #3, "How it is tested").

The demo plan (Rhys's, with his mum, sister, best friend, SENCO, social worker, PA and
epilepsy nurse) is loaded in-process into a fresh SQLite file, and every person gets a
signed-in client. For every (person, section) each way in — the section, each page, its
history, a diff, a revision, the JSON API — must answer as ``wiki.access`` decides: 200
when they may view, 404 when they may not (never a hint that it exists), and 403 for a
change they can see but not make. Every response any person fetches is searched for the
words that appear only in the health and budget sections, and for page titles that
appear only in one section; someone without view on that section must never receive them.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx2
import pytest
from conftest import csrf_of, sign_in
from starlette.applications import Starlette
from starlette.testclient import TestClient

from wiki import access, accounts, demo, demo_content, store
from wiki.app import create_app
from wiki.db import Database
from wiki.errors import NotFound
from wiki.models import STANDARD_SECTIONS, Actor, Capability
from wiki.settings import Settings

SITE = demo_content.SITE["slug"]
SECTIONS = [key for key, _, _ in STANDARD_SECTIONS]
SECTION_TITLES = {key: title for key, title, _ in STANDARD_SECTIONS}
PEOPLE = {
    "rhys": ("rhys.marsden@example.org", "pickle-timetable-42"),
    "claire": ("claire.marsden@example.org", "heron-teapot-58"),
    "jess": ("jess.marsden@example.org", "velvet-comet-31"),
    "sami": ("sami.haddad@example.org", "redstone-lantern-09"),
    "priya": ("priya.desai@example.org", "chalk-harbour-64"),
    "daniel": ("daniel.okafor@example.org", "willow-compass-27"),
    "tom": ("tom.brennan@example.org", "gravel-puffin-83"),
    "helen": ("helen.price@example.org", "amber-lighthouse-45"),
}
STRANGER = ("stranger@example.org", "quiet-orchard-73")

# What the demo promises, written out by hand from who each person is (not read from the code).
_ = "none"
EXPECTED: dict[str, dict[str, str]] = {
    #           about-me  circle   outcomes  budget    health    education reviews   handover
    "rhys":   dict(zip(SECTIONS, ["manage", "manage", "manage", "manage", "manage", "manage", "manage", "manage"], strict=True)),
    "claire": dict(zip(SECTIONS, ["manage", "manage", "manage", "manage", "manage", "manage", "manage", "manage"], strict=True)),
    "jess":   dict(zip(SECTIONS, ["edit",   "view",   "view",   _,        _,        _,        "view",   _], strict=True)),
    "sami":   dict(zip(SECTIONS, ["view",   "view",   _,        _,        _,        _,        _,        _], strict=True)),
    "priya":  dict(zip(SECTIONS, ["view",   _,        "view",   _,        _,        "edit",   "view",   "view"], strict=True)),
    "daniel": dict(zip(SECTIONS, ["view",   "view",   "edit",   "edit",   "view",   "view",   "edit",   "view"], strict=True)),
    "tom":    dict(zip(SECTIONS, ["view",   _,        "edit",   _,        "view",   _,        _,        "view"], strict=True)),
    "helen":  dict(zip(SECTIONS, ["view",   _,        _,        _,        "edit",   _,        _,        _], strict=True)),
}  # fmt: skip

# Words that appear only in one section (demo_content's docstring), compared case-insensitively.
SECRET_WORDS = {"health": ["lamotrigine", "midazolam"], "budget": ["ledgerwell", "7,305.80"]}

REVISIONS = Counter((p["section"], p["slug"]) for p in demo_content.PAGES)
PAGES: dict[str, list[tuple[str, int]]] = {s: [] for s in SECTIONS}
for (_section, _slug), _count in REVISIONS.items():
    PAGES[_section].append((_slug, _count))


def _interface_words() -> str:
    """Everything the app itself may say (templates, plugins, code), so titles that are also
    ordinary interface words ("My circle of support" as a template hint) are not counted."""
    root = Path(__file__).parent.parent
    files = [*root.glob("themes/**/*.html"), *root.glob("plugins/**/*.html"), *root.glob("plugins/**/*.py"),
             *(f for f in root.glob("wiki/**/*.py") if f.name != "demo_content.py")]  # fmt: skip
    return " ".join(f.read_text(errors="replace") for f in files).lower()


def _unique_titles() -> dict[str, list[str]]:
    """Page titles found in no other section's titles, summaries or text, nor anywhere in the
    interface (so a leak, if seen)."""
    found: dict[str, list[str]] = {s: [] for s in SECTIONS}
    interface = _interface_words()
    for section in SECTIONS:
        others = (
            interface
            + " ".join(
                f"{p['title']} {p['summary']} {p['body']}"
                for p in demo_content.PAGES
                if p["section"] != section
            ).lower()
        )
        for title in {p["title"] for p in demo_content.PAGES if p["section"] == section}:
            if html.escape(title) == title and title.lower() not in others and len(title) > 8:
                found[section].append(title.lower())
    return found


UNIQUE_TITLES = _unique_titles()


def leak_words(section: str) -> list[str]:
    return SECRET_WORDS.get(section, []) + UNIQUE_TITLES[section]


# ---- the demo, loaded once for the module ---------------------------------------------------


@dataclass
class Person:
    """A signed-in client that checks every response it receives for leaks."""

    who: str
    client: TestClient
    allowed: dict[str, Capability]
    token: str = ""
    fetched: int = 0
    _csrf: str = ""
    seen: list[str] = field(default_factory=list)

    @property
    def denied(self) -> list[str]:
        return [s for s in SECTIONS if self.allowed.get(s, Capability.NONE) < Capability.VIEW]

    def check(self, response: httpx2.Response, url: str, echo: str = "") -> httpx2.Response:
        """No leak words of a denied section (``echo`` is the caller's own search words)."""
        self.fetched += 1
        body = response.text.lower()
        for section in self.denied:
            for word in leak_words(section):
                if word != echo:
                    assert word not in body, (
                        f"{self.who} received {word!r} (only in {section}) from {url}"
                    )
        nav = re.search(r'<nav class="site-nav".*?</nav>', response.text, flags=re.S)
        if nav:
            keys = re.findall(r'<a href="/s/' + SITE + r'/([a-z0-9-]+)"', nav.group(0))
            shown = [k for k in keys if k in SECTIONS]
            assert shown == [s for s in SECTIONS if s not in self.denied], (
                f"{self.who}: navigation on {url}"
            )
        return response

    def get(self, url: str, echo: str = "", **kw) -> httpx2.Response:
        return self.check(self.client.get(url, **kw), url, echo)

    def api(self, method: str, url: str, echo: str = "", **kw) -> httpx2.Response:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if method != "GET" and not self.token:
            headers["x-csrftoken"] = self.csrf()
        return self.check(
            self.client.request(method, "/api/v1" + url, headers=headers, **kw), url, echo
        )

    def csrf(self) -> str:
        if not self._csrf:
            self._csrf = csrf_of(self.client.get("/").text)
        return self._csrf

    def post(self, url: str, data: dict[str, str]) -> httpx2.Response:
        return self.check(self.client.post(url, data={**data, "csrftoken": self.csrf()}), url)


@dataclass
class Grid:
    app: Starlette
    db: Database
    actors: dict[str, Actor]
    people: dict[str, Person]
    anonymous: TestClient

    def cap(self, who: str, section: str) -> Capability:
        """What ``wiki.access`` decides, asked through the store's one entry point."""
        try:
            ctx = store.site_for(self.db, self.actors[who], SITE)
        except NotFound:
            return Capability.NONE
        return access.level(ctx.access, section)

    def current(self, section: str, slug: str):
        _, found = store.get_page(self.db, self.actors["rhys"], site=SITE, section=section, page=slug,
                                  record_view=False)  # fmt: skip
        return found


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Grid]:
    app = create_app(Settings(db=tmp_path_factory.mktemp("grid") / "demo.db", synchronous="NORMAL"))
    db = app.state.db
    demo.load(db)
    stranger = accounts.create_user(
        db, email=STRANGER[0], name="Stella Stranger", password=STRANGER[1]
    )
    actors = {"stranger": Actor(user_id=stranger.id, email=stranger.email, name=stranger.name)}
    people = {}
    with contextlib.ExitStack() as open_clients:  # one app thread per client: quicker requests
        for who, (email, password) in [*PEOPLE.items(), ("stranger", STRANGER)]:
            user = accounts.find_user(db, email)
            assert user is not None
            actors[who] = Actor(user_id=user.id, email=user.email, name=user.name)
            client = open_clients.enter_context(TestClient(app, follow_redirects=False))
            sign_in(client, email, password)
            people[who] = Person(who, client, {})
        anonymous = open_clients.enter_context(TestClient(app, follow_redirects=False))
        found = Grid(app, db, actors, people, anonymous)
        for who, person in people.items():
            person.allowed = {s: found.cap(who, s) for s in SECTIONS}
        yield found
    db.close()


def status_for(cap: Capability, needed: Capability) -> int:
    if cap < Capability.VIEW:
        return 404
    return 200 if cap >= needed else 403


# ---- the table itself -----------------------------------------------------------------------


def test_the_policy_gives_each_person_exactly_what_the_demo_promises(grid: Grid):
    decided = {who: {s: grid.cap(who, s).label for s in SECTIONS} for who in PEOPLE}
    assert decided == EXPECTED
    assert {s: grid.cap("stranger", s).label for s in SECTIONS} == dict.fromkeys(SECTIONS, "none")


def test_the_leak_words_are_real_words_of_their_sections(grid: Grid):
    """A sanity check on the detector: the owner does receive every leak word from its section."""
    rhys = grid.people["rhys"]
    for section in SECTIONS:
        text = " ".join(
            rhys.get(f"/s/{SITE}/{section}/{slug}").text for slug, _ in PAGES[section]
        ).lower()
        for word in leak_words(section):
            assert word in text, (section, word)
    assert UNIQUE_TITLES["health"] and UNIQUE_TITLES["budget"]


@pytest.mark.parametrize(
    "who, section", [(w, s) for w in PEOPLE for s in SECTIONS] + [("stranger", s) for s in SECTIONS]
)
def test_every_door_into_a_section_agrees_with_the_policy(grid: Grid, who: str, section: str):
    me = grid.people[who]
    cap = grid.cap(who, section)
    read = status_for(cap, Capability.VIEW)
    write = status_for(cap, Capability.EDIT)

    assert me.get(f"/s/{SITE}/{section}").status_code == read
    listing = me.api("GET", f"/sites/{SITE}/sections/{section}/pages")
    assert listing.status_code == read
    if read == 200:
        assert sorted(p["slug"] for p in listing.json()) == sorted(
            slug for slug, _ in PAGES[section]
        )

    for slug, revisions in PAGES[section]:
        base = f"/s/{SITE}/{section}/{slug}"
        api = f"/sites/{SITE}/pages/{section}/{slug}"
        for url in (base, f"{base}/history", f"{base}/diff?from=1&to={revisions}", f"{base}/diff",
                    f"{base}/revisions/1", f"{base}/revisions/{revisions}"):  # fmt: skip
            assert me.get(url).status_code == read, url
        for url in (api, f"{api}/revisions", f"{api}/revisions/1", f"{api}/revisions/{revisions}"):
            assert me.api("GET", url).status_code == read, url

        before = grid.current(section, slug)
        assert me.get(f"{base}/edit").status_code == write
        if write == 200:
            # Saving the same text proves the door is open without changing anything.
            same = {
                "title": before.title,
                "body": before.body,
                "base": str(before.revision),
                "summary": "",
            }
            assert me.post(f"{base}/edit", same).status_code == 303
            put = me.api(
                "PUT",
                api,
                json={"body": before.body, "base_revision": before.revision, "title": before.title},
            )
            assert put.status_code == 200
        else:
            sneaky = {
                "title": "Changed",
                "body": f"overwritten by {who}",
                "base": str(before.revision),
            }
            assert me.post(f"{base}/edit", sneaky).status_code == write
            put = me.api(
                "PUT", api, json={"body": f"overwritten by {who}", "base_revision": before.revision}
            )
            assert put.status_code == write
            assert me.post(f"{base}/restore", {"revision": "1"}).status_code == write
            assert me.post(f"{base}/rename", {"slug": "renamed-by-" + who}).status_code == write
        after = grid.current(section, slug)
        assert (after.revision, after.body, after.slug) == (
            before.revision,
            before.body,
            before.slug,
        )

    if write != 200:
        # Nor can they start a new page there, through the form or the API.
        assert me.post(f"/s/{SITE}/{section}/planted-by-{who}/edit",
                       {"title": "Planted", "body": "x", "base": ""}).status_code == write  # fmt: skip
        assert me.api("PUT", f"/sites/{SITE}/pages/{section}/planted-by-{who}",
                      json={"body": "x", "base_revision": None}).status_code == write  # fmt: skip
        assert (
            me.post(f"/s/{SITE}/{section}", {"action": "new-page", "title": "Planted"}).status_code
            == write
        )
        assert me.api("GET", f"/sites/{SITE}/sections/{section}/pages").status_code == read
        if read == 200:
            assert not any(p["slug"].startswith("planted") for p in
                           me.api("GET", f"/sites/{SITE}/sections/{section}/pages").json())  # fmt: skip


@pytest.mark.parametrize("who", list(PEOPLE))
def test_home_navigation_and_recent_changes_show_only_what_each_person_may_see(
    grid: Grid, who: str
):
    me = grid.people[who]
    allowed = [s for s in SECTIONS if grid.cap(who, s) >= Capability.VIEW]
    home = me.get(f"/s/{SITE}")
    assert home.status_code == 200
    # a tile per part, with a picture and the part's title (issue #16)
    cards = re.findall(
        r'<li class="tile">\s*<a class="tile-link" href="/s/' + SITE + r'/([a-z0-9-]+)">.*?'
        r'<span class="tile-title">([^<]+)</span>',
        home.text,
    )
    assert [k for k, _ in cards] == allowed
    assert [html.unescape(t) for _, t in cards] == [SECTION_TITLES[s] for s in allowed]
    recent = re.search(
        r'<section class="recent" aria-labelledby="recent-title">.*?</section>',
        home.text,
        flags=re.S,
    )
    assert recent, "everyone here can see at least one changed page"
    linked = re.findall(r'<a href="/s/' + SITE + r'/([a-z0-9-]+)/([a-z0-9-]+)">', recent.group(0))
    assert linked and {s for s, _ in linked} <= set(allowed)
    for denied in set(SECTIONS) - set(allowed):
        assert f"in {SECTION_TITLES[denied]} —" not in recent.group(0)
        for slug, _ in PAGES[denied]:
            assert f"/{denied}/{slug}" not in home.text

    steward = grid.cap(who, "*") >= Capability.MANAGE
    assert ("Who can see what" in home.text) is steward

    detail = me.api("GET", f"/sites/{SITE}")
    assert detail.status_code == 200
    assert detail.json()["sections"] == [
        {"key": s, "title": SECTION_TITLES[s], "capability": grid.cap(who, s).label}
        for s in allowed
    ]
    assert SITE in [s["slug"] for s in me.api("GET", "/sites").json()]
    my_plans = me.get("/")
    assert my_plans.status_code == 200 and f"/s/{SITE}" in my_plans.text


def test_the_api_answers_the_same_with_a_personal_access_token(grid: Grid):
    """Bearer tokens go through the same policy as the session cookie."""
    for who in ("sami", "helen", "daniel"):
        user = accounts.find_user(grid.db, PEOPLE[who][0])
        assert user is not None
        tokened = Person(who, TestClient(grid.app), grid.people[who].allowed,
                         token=accounts.create_token(grid.db, user))  # fmt: skip
        for section in SECTIONS:
            read = status_for(grid.cap(who, section), Capability.VIEW)
            assert tokened.api("GET", f"/sites/{SITE}/sections/{section}/pages").status_code == read
            for slug, _ in PAGES[section]:
                assert (
                    tokened.api("GET", f"/sites/{SITE}/pages/{section}/{slug}").status_code == read
                )
        sections = [s["key"] for s in tokened.api("GET", f"/sites/{SITE}").json()["sections"]]
        assert sections == [s for s in SECTIONS if grid.cap(who, s) >= Capability.VIEW]


def _neutral(text: str, query: str) -> str:
    """A search answer with the caller's own words (in every spelling) taken out."""
    for form in {
        query,
        html.escape(query),
        quote_plus(query),
        quote(query),
        json.dumps(query)[1:-1],
    }:
        text = re.sub(re.escape(form), "<QUERY>", text, flags=re.I)
    return text


NOWHERE = "qqxv zzkw nowhere words"


@pytest.mark.parametrize("who", [*PEOPLE, "stranger"])
def test_side_doors_search_print_and_export_never_hand_over_a_hidden_section(grid: Grid, who: str):
    """Search (site, everywhere, API, with history), print and export go through the same policy.
    Searching for a hidden section's words must answer exactly as for words found nowhere."""
    me = grid.people[who]
    visible = [s for s in SECTIONS if grid.cap(who, s) >= Capability.VIEW]
    searches: list[tuple[Callable[[str, str], Any], str]] = [
        (me.get, f"/s/{SITE}/search?q={{q}}"), (me.get, f"/s/{SITE}/search?q={{q}}&history=1"),
        (me.get, "/search?q={q}"), (me.get, "/search?q={q}&history=1"),
        (lambda u, echo: me.api("GET", u, echo), f"/sites/{SITE}/search?q={{q}}"),
        (lambda u, echo: me.api("GET", u, echo), f"/sites/{SITE}/search?q={{q}}&history=1"),
        (lambda u, echo: me.api("GET", u, echo), "/search?q={q}"),
    ]  # fmt: skip
    for fetch, pattern in searches:
        baseline = fetch(pattern.format(q=quote_plus(NOWHERE)), NOWHERE)
        for section in me.denied:
            for word in SECRET_WORDS.get(section, []):
                answer = fetch(pattern.format(q=quote_plus(word)), word)
                assert answer.status_code == baseline.status_code, (pattern, word)
                assert _neutral(answer.text, word) == _neutral(baseline.text, NOWHERE), \
                    f"{who}: searching {pattern} for {word!r} (only in {section}) gives something away"  # fmt: skip
            for title in UNIQUE_TITLES[section]:  # many words: hits elsewhere are fine, not here
                answer = fetch(pattern.format(q=quote_plus(title)), title)
                if (
                    answer.headers.get("content-type", "").startswith("application/json")
                    and answer.status_code == 200
                ):
                    assert {r["section"] for r in answer.json()["results"]} <= set(visible), (
                        pattern,
                        title,
                    )
                else:
                    hits = re.findall(
                        r'<li class="result">.*?href="/s/' + SITE + r"/([a-z0-9-]+)/",
                        answer.text,
                        flags=re.S,
                    )
                    assert set(hits) <= set(visible), (pattern, title)
    assert me.get(f"/s/{SITE}/-/print").status_code == (200 if visible else 404)
    for section in SECTIONS:
        assert me.get(f"/s/{SITE}/-/print/{section}").status_code == (
            200 if section in visible else 404
        ), section
    for exported in (me.get(f"/s/{SITE}/export.zip"), me.api("GET", f"/sites/{SITE}/export")):
        if not visible:
            assert exported.status_code == 404
            continue
        assert exported.status_code == 200
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
            for name in archive.namelist():
                text = (name + "\n" + archive.read(name).decode("utf-8", "replace")).lower()
                for section in me.denied:
                    for word in leak_words(section):
                        assert word not in text, (
                            f"{who}'s export has {word!r} (only in {section}) in {name}"
                        )


# ---- stories: the key cells, told plainly ---------------------------------------------------


def test_friend_with_view_on_profile_cannot_open_budget_history(grid: Grid):
    sami = grid.people["sami"]
    assert sami.get(f"/s/{SITE}/about-me/one-page-profile").status_code == 200
    assert sami.get(f"/s/{SITE}/about-me/one-page-profile/history").status_code == 200
    assert sami.get(f"/s/{SITE}/budget/payments-2026-27/history").status_code == 404
    assert sami.get(f"/s/{SITE}/budget/payments-2026-27/diff?from=1&to=2").status_code == 404
    assert (
        sami.api("GET", f"/sites/{SITE}/pages/budget/payments-2026-27/revisions").status_code == 404
    )


def test_friend_can_read_the_profile_but_is_told_plainly_he_cannot_change_it(grid: Grid):
    sami = grid.people["sami"]
    refused = sami.get(f"/s/{SITE}/about-me/one-page-profile/edit")
    assert refused.status_code == 403
    assert "cannot change it" in refused.text
    page = sami.get(f"/s/{SITE}/about-me/one-page-profile")
    assert "/edit" not in page.text  # no Edit button for a reader


def test_a_hidden_section_answers_exactly_like_one_that_does_not_exist(grid: Grid):
    sami = grid.people["sami"]
    hidden = sami.api("GET", f"/sites/{SITE}/pages/budget/payments-2026-27")
    missing = sami.api("GET", f"/sites/{SITE}/pages/no-such-section/payments-2026-27")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    hidden_html = sami.get(f"/s/{SITE}/health")
    missing_html = sami.get(f"/s/{SITE}/no-such-section")
    main = lambda r: re.search(r"<main\b.*?</main>", r.text, flags=re.S).group(0)  # type: ignore[union-attr]  # noqa: E731
    assert hidden_html.status_code == missing_html.status_code == 404
    assert main(hidden_html) == main(missing_html)
    hidden_edit = sami.api(
        "PUT", f"/sites/{SITE}/pages/health/my-health", json={"body": "x", "base_revision": 1}
    )
    missing_edit = sami.api(
        "PUT", f"/sites/{SITE}/pages/nowhere/my-health", json={"body": "x", "base_revision": 1}
    )
    assert hidden_edit.status_code == missing_edit.status_code == 404
    assert hidden_edit.json() == missing_edit.json()


def test_epilepsy_nurse_can_edit_health_but_never_sees_the_budget(grid: Grid):
    helen = grid.people["helen"]
    assert helen.get(f"/s/{SITE}/health/seizure-plan/edit").status_code == 200
    page = helen.get(f"/s/{SITE}/health/seizure-plan")
    assert page.status_code == 200 and "midazolam" in page.text.lower()
    assert helen.get(f"/s/{SITE}/budget").status_code == 404
    assert helen.get(f"/s/{SITE}/budget/personal-budget").status_code == 404
    assert "Personal budget" not in helen.get(f"/s/{SITE}").text


def test_social_worker_can_view_everything_and_edit_the_budget_but_not_health(grid: Grid):
    daniel = grid.people["daniel"]
    for section in SECTIONS:
        assert daniel.get(f"/s/{SITE}/{section}").status_code == 200
    assert daniel.get(f"/s/{SITE}/budget/payments-2026-27/edit").status_code == 200
    assert daniel.get(f"/s/{SITE}/health/my-health/edit").status_code == 403
    assert daniel.get(f"/s/{SITE}/sharing").status_code == 403
    assert daniel.get(f"/s/{SITE}/audit").status_code == 403


def test_mum_is_a_steward_who_can_manage_sharing_and_read_the_audit_log(grid: Grid):
    claire = grid.people["claire"]
    assert claire.get(f"/s/{SITE}/sharing").status_code == 200
    assert claire.get(f"/s/{SITE}/audit").status_code == 200
    assert claire.api("GET", f"/sites/{SITE}/grants").status_code == 200
    assert claire.api("GET", f"/sites/{SITE}/audit").status_code == 200
    assert all(
        s["capability"] == "manage" for s in claire.api("GET", f"/sites/{SITE}").json()["sections"]
    )


def test_sister_can_edit_the_profile_but_health_does_not_exist_for_her(grid: Grid):
    jess = grid.people["jess"]
    assert jess.get(f"/s/{SITE}/about-me/one-page-profile/edit").status_code == 200
    assert jess.get(f"/s/{SITE}/health/my-health").status_code == 404
    assert jess.get(f"/s/{SITE}/health/my-health/edit").status_code == 404


def test_personal_assistant_reads_health_but_budget_words_never_reach_him(grid: Grid):
    tom = grid.people["tom"]
    assert tom.get(f"/s/{SITE}/health/my-health").status_code == 200
    assert tom.get(f"/s/{SITE}/budget/payments-2026-27/revisions/1").status_code == 404
    assert tom.fetched > 0  # every response above went through the leak check


def test_a_signed_in_stranger_finds_no_plan_at_all(grid: Grid):
    stranger = grid.people["stranger"]
    assert stranger.get(f"/s/{SITE}").status_code == 404
    assert stranger.api("GET", f"/sites/{SITE}").status_code == 404
    assert stranger.api("GET", "/sites").json() == []
    assert stranger.get(f"/s/{SITE}/sharing").status_code == 404
    assert stranger.get(f"/s/{SITE}/audit").status_code == 404
    assert stranger.api("GET", f"/sites/{SITE}/audit").status_code == 404
    assert stranger.api("GET", f"/sites/{SITE}/grants").status_code == 404
    assert "Rhys" not in stranger.get("/").text


def test_an_anonymous_visitor_is_sent_to_sign_in_and_the_api_says_401(grid: Grid):
    anon = Person("anonymous", grid.anonymous, dict.fromkeys(SECTIONS, Capability.NONE))
    for section in SECTIONS:
        for slug, _ in PAGES[section]:
            response = anon.get(f"/s/{SITE}/{section}/{slug}")
            assert response.status_code == 303 and response.headers["location"].startswith("/login")
            assert anon.api("GET", f"/sites/{SITE}/pages/{section}/{slug}").status_code == 401
    assert anon.get(f"/s/{SITE}").status_code == 303
    assert anon.api("GET", f"/sites/{SITE}").status_code == 401
