"""Every sharing and export call site, for every kind of person in the circle (issue #13).

The suite once stayed green while a guest link could be made with only ``edit``, a reader
of every section received the full export (circle, rules, links, log) and the guest-link
list showed links of sections the caller cannot see. This file is the grid that catches
those: people × call sites, through the HTML forms and the JSON API.

The people (the small plan of ``test_sharing_flows`` plus three):

- the owner (Ava) and ``mum`` (a steward: manage on every section) may do everything;
- ``eve`` may edit every section but not manage: she may share nothing;
- ``vic`` may view every section: a copy of the pages, nothing about the circle;
- ``cara`` edits education through the school group: no sharing, nothing outside it;
- ``sol`` manages education only: may share it and make guest links for it, nothing
  site-wide, and never sees a link, rule or word of another section.

Every refused call must change nothing (rules, circle, groups, invitations, guest links,
outbox), and no answer may carry what that person may not see.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from conftest import csrf_of
from test_sharing_flows import SITE, Plan, build_plan, no_markers, user

from wiki.db import Database
from wiki.models import Actor
from wiki.store import circle, links

STEWARDS = ("owner", "mum")
OTHERS = ("eve", "vic", "cara", "sol")
# Only in the circle lists, the rules, the log and the links list: never in an answer to
# someone who may not see those. (Nobody's request below names Mo.)
MUM_EMAIL = "mo@example.org"
HEALTH_LINK = "Physio waiting room"
SCHOOL_LINK = "Homework club"
NEW_LINK = "Trip form"
FULL_COPY = "the circle, who can see what and the log"  # the export page, to those who get it
# What a full export has beyond the pages: the circle, the sharing rules, the links, the log.
CIRCLE_FILES = {"circle.json", "grants.json", "links.json", "audit.json"}


# ---- the circle -------------------------------------------------------------------------------


@dataclass
class Circle:
    plan: Plan
    people: dict[str, Actor]
    ids: dict[str, int] = field(default_factory=dict)  # grants and links the calls point at

    @property
    def db(self) -> Database:
        assert isinstance(self.plan.db, Database)
        return self.plan.db


@pytest.fixture
def grid(app, db) -> Circle:
    plan = build_plan(app, db)
    owner = plan.owner
    eve, vic, sol = (user(db, name) for name in ("Eve", "Vic", "Sol"))
    for person, relationship in ((eve, "aunt"), (vic, "nurse"), (sol, "SENCo")):
        circle.add_member(db, owner, site=SITE, email=person.email, relationship=relationship)
    circle.add_grant(db, owner, site=SITE, section="*", capability="edit", person=eve.email)
    circle.add_grant(db, owner, site=SITE, section="*", capability="view", person=vic.email)
    circle.add_grant(
        db, owner, site=SITE, section="education", capability="manage", person=sol.email
    )
    health_grant = circle.add_grant(
        db, owner, site=SITE, section="health", capability="view", person=plan.ben.email
    )
    school_grant = plan.grant_id(group="school", section="education")
    health_link = links.create_guest_link(db, owner, site=SITE, section="health", label=HEALTH_LINK)
    school_link = links.create_guest_link(
        db, owner, site=SITE, section="education", label=SCHOOL_LINK
    )
    people = {
        "owner": owner,
        "mum": plan.mum,
        "eve": eve,
        "vic": vic,
        "cara": plan.cara,
        "sol": sol,
    }
    ids = {
        "health_grant": health_grant.id,
        "school_grant": school_grant,
        "health_link": health_link.id,
        "school_link": school_link.id,
    }
    return Circle(plan, people, ids)


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a sharing call could change, read straight from the tables."""
    tables = {
        "grants": "SELECT * FROM grants ORDER BY id",
        "members": "SELECT * FROM members ORDER BY id",
        "member_groups": "SELECT * FROM member_groups ORDER BY 1, 2, 3",
        "circle_groups": "SELECT * FROM circle_groups ORDER BY 1, 2",
        "invitations": "SELECT * FROM invitations ORDER BY id",
        "guest_links": "SELECT * FROM guest_links ORDER BY id",
        "outbox": "SELECT * FROM outbox ORDER BY id",
    }
    return {name: [tuple(row) for row in db.all(sql)] for name, sql in tables.items()}


def hidden_from(who: str) -> list[str]:
    """Words that must not appear in any answer to this person."""
    if who in STEWARDS:
        return []
    return [MUM_EMAIL, HEALTH_LINK, FULL_COPY] + ([] if who == "sol" else [SCHOOL_LINK])


def nothing_hidden(who: str, text: str) -> None:
    for word in hidden_from(who):
        assert word not in text, f"{word!r} was shown to {who}"
    if who in ("cara", "sol"):  # they see education only
        no_markers(text, "health", "budget")


# ---- the call sites ---------------------------------------------------------------------------

Status = int | tuple[int, ...]


def expect(ok: Status, **others: Status) -> dict[str, Status]:
    """The owner and Mo get ``ok``; everyone else 403 unless said otherwise."""
    return {"owner": ok, "mum": ok, **dict.fromkeys(OTHERS, 403), **others}


@dataclass(frozen=True)
class Call:
    story: str
    kind: str  # "page" (GET, signed in), "form" (POST to the sharing page), "api"
    path: str
    expected: dict[str, Status]
    method: str = "GET"
    body: dict[str, Any] | None = None

    def run(self, grid: Circle, who: str) -> httpx2.Response:
        fill = lambda value: value.format(**grid.ids) if isinstance(value, str) else value  # noqa: E731
        actor = grid.people[who]
        if self.kind == "api":
            body = {k: fill(v) for k, v in self.body.items()} if self.body is not None else None
            return grid.plan.api(actor).request(self.method, fill(self.path), json=body)
        client = grid.plan.client(actor)
        if self.kind == "page":
            return client.get(fill(self.path))
        token = csrf_of(client.get("/").text)
        form = {k: fill(v) for k, v in (self.body or {}).items()}
        return client.post(f"/s/{SITE}/sharing", data={**form, "csrftoken": token})


def form(story: str, expected: dict[str, Status], **fields: str) -> Call:
    return Call(story, "form", f"/s/{SITE}/sharing", expected, "POST", fields)


def api(story: str, method: str, path: str, expected: dict[str, Status], body=None) -> Call:
    return Call(story, "api", f"/sites/{SITE}{path}", expected, method, body)


BEN = "ben@example.org"
STAN = "stan@example.org"
UNSEEN = (403, 404)  # the HTML form redraws the sharing page, which says 403 first

CALLS = [
    # -- HTML pages
    Call("sharing-page", "page", f"/s/{SITE}/sharing", expect(200)),
    Call("audit-page", "page", f"/s/{SITE}/audit", expect(200)),
    Call("view-as", "page", f"/s/{SITE}/view-as/{BEN}", expect(200)),
    Call("view-as-section", "page", f"/s/{SITE}/view-as/{BEN}/about-me", expect(200)),
    Call("export-page", "page", f"/s/{SITE}/export", expect(200, **dict.fromkeys(OTHERS, 200))),
    # -- every action of the sharing form
    form("form-share-education", expect(303, sol=303), action="share", who=f"person:{BEN}",
         section="education", capability="view"),
    form("form-share-health", expect(303, cara=UNSEEN, sol=UNSEEN), action="share",
         who=f"person:{BEN}", section="health", capability="view"),
    form("form-share-everything", expect(303), action="share", who=f"person:{BEN}", section="*",
         capability="view"),
    form("form-invite", expect(303), action="invite", email="newcomer@example.org",
         relationship="coach", section="education", capability="view"),
    form("form-link-education", expect(200, sol=200), action="link", section="education",
         label=NEW_LINK),
    form("form-link-health", expect(200, cara=UNSEEN, sol=UNSEEN), action="link", section="health",
         label=NEW_LINK),
    form("form-member", expect(303), action="member", email=STAN, relationship="neighbour"),
    form("form-remove-member", expect(303), action="remove-member", email=BEN),
    form("form-groups", expect(303), action="groups", email=BEN, groups="family"),
    form("form-group", expect(303), action="group", title="Swimming club"),
    form("form-matrix", expect(303), action="matrix", **{f"cell|person:{BEN}|budget": "view",
         f"was|person:{BEN}|budget": "none"}),
    form("form-revoke-education-rule", expect(303, sol=303), action="revoke",
         grant="{school_grant}"),
    form("form-revoke-health-rule", expect(303, cara=UNSEEN, sol=UNSEEN), action="revoke",
         grant="{health_grant}"),
    form("form-revoke-education-link", expect(303, eve=404, vic=404, cara=404, sol=303),
         action="revoke-link", link="{school_link}"),
    form("form-revoke-health-link", expect(303, **dict.fromkeys(OTHERS, 404)),
         action="revoke-link", link="{health_link}"),
    # -- the JSON API
    api("api-list-grants", "GET", "/grants", expect(200)),
    api("api-share-education", "POST", "/grants", expect(201, sol=201),
        {"person": BEN, "section": "education", "capability": "view"}),
    api("api-share-health", "POST", "/grants", expect(201, cara=404, sol=404),
        {"person": BEN, "section": "health", "capability": "view"}),
    api("api-share-everything", "POST", "/grants", expect(201),
        {"person": BEN, "section": "*", "capability": "view"}),
    api("api-revoke-education-rule", "DELETE", "/grants/{school_grant}", expect(204, sol=204)),
    api("api-revoke-health-rule", "DELETE", "/grants/{health_grant}",
        expect(204, cara=404, sol=404)),
    api("api-invite", "POST", "/invitations", expect(201),
        {"email": "newcomer@example.org", "grants": [{"section": "education", "capability": "view"}]}),
    api("api-list-links", "GET", "/links",
        expect(200, eve=(200, 403), vic=(200, 403), cara=(200, 403), sol=200)),
    api("api-link-education", "POST", "/links", expect(201, sol=201),
        {"section": "education", "label": NEW_LINK}),
    api("api-link-health", "POST", "/links", expect(201, cara=404, sol=404),
        {"section": "health", "label": NEW_LINK}),
    api("api-revoke-education-link", "DELETE", "/links/{school_link}",
        expect(204, eve=404, vic=404, cara=404, sol=204)),
    api("api-revoke-health-link", "DELETE", "/links/{health_link}",
        expect(204, **dict.fromkeys(OTHERS, 404))),
    api("api-audit", "GET", "/audit", expect(200)),
    api("api-list-members", "GET", "/members", expect(200)),
    api("api-add-member", "POST", "/members", expect(201),
        {"person": STAN, "relationship": "neighbour"}),
    api("api-remove-member", "DELETE", f"/members/{BEN}", expect(204)),
]  # fmt: skip


def check(grid: Circle, who: str, call: Call) -> httpx2.Response:
    """One person at one call site: the right answer, a change only when allowed, no leaks."""
    before = snapshot(grid.db)
    answer = call.run(grid, who)
    wanted = call.expected[who]
    assert answer.status_code in (wanted if isinstance(wanted, tuple) else (wanted,)), (
        who, call.story, answer.status_code, answer.text[:300],
    )  # fmt: skip
    after = snapshot(grid.db)
    if answer.status_code >= 400 or call.method == "GET":
        changed = {t for t in before if before[t] != after[t]}
        assert not changed, f"{who} was refused {call.story} but it changed {changed}"
    else:  # the same call does work for someone allowed: the refusals above mean something
        assert after != before, f"{who} was allowed {call.story} but nothing changed"
    nothing_hidden(who, answer.text)
    return answer


# Known gaps, kept visible until they are fixed (strict: fixing one turns its xfail red).
GAPS: dict[tuple[str, str], str] = {}  # known gaps, as strict xfails (none left)


def _ids(people: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(
            who, call, id=f"{who}-{call.story}",
            marks=[pytest.mark.xfail(strict=True, reason=GAPS[who, call.story])]
            if (who, call.story) in GAPS else [],
        )
        for who in people
        for call in CALLS
    ]  # fmt: skip


# ---- the grid: every person at every call site ------------------------------------------------


@pytest.mark.parametrize(("who", "call"), _ids(STEWARDS))
def test_the_owner_and_a_steward_may_use_every_sharing_call_site(grid: Circle, who, call):
    check(grid, who, call)


@pytest.mark.parametrize(("who", "call"), _ids(("eve",)))
def test_an_editor_of_every_section_may_share_nothing_and_see_nothing_of_the_circle(
    grid: Circle, who, call
):
    check(grid, who, call)


@pytest.mark.parametrize(("who", "call"), _ids(("vic",)))
def test_a_reader_of_every_section_may_share_nothing_and_see_nothing_of_the_circle(
    grid: Circle, who, call
):
    check(grid, who, call)


@pytest.mark.parametrize(("who", "call"), _ids(("cara",)))
def test_an_editor_of_one_section_may_share_nothing_and_finds_no_other_section(
    grid: Circle, who, call
):
    check(grid, who, call)


@pytest.mark.parametrize(("who", "call"), _ids(("sol",)))
def test_a_manager_of_one_section_may_share_it_and_nothing_site_wide(grid: Circle, who, call):
    check(grid, who, call)


# ---- guest links ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["eve", "cara"])
def test_an_editor_of_every_section_or_of_one_cannot_make_a_guest_link(grid: Circle, who: str):
    before = snapshot(grid.db)["guest_links"]
    actor = grid.people[who]
    api_answer = grid.plan.api(actor).post(
        f"/sites/{SITE}/links", json={"section": "education", "label": NEW_LINK}
    )
    assert api_answer.status_code == 403
    client = grid.plan.client(actor)
    form_answer = client.post(f"/s/{SITE}/sharing", data={
        "action": "link", "section": "education", "label": NEW_LINK,
        "csrftoken": csrf_of(client.get("/").text),
    })  # fmt: skip
    assert form_answer.status_code == 403
    assert "/g/" not in api_answer.text + form_answer.text
    assert snapshot(grid.db)["guest_links"] == before


def _labels(answer: httpx2.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return sorted(link["label"] for link in answer.json())


def test_a_section_manager_lists_only_the_guest_links_of_their_section(grid: Circle):
    sol = grid.plan.api(grid.people["sol"])
    assert _labels(sol.get(f"/sites/{SITE}/links")) == [SCHOOL_LINK]
    made = sol.post(f"/sites/{SITE}/links", json={"section": "education", "label": NEW_LINK})
    assert made.status_code == 201 and made.json()["url"]
    listed = sol.get(f"/sites/{SITE}/links")
    assert _labels(listed) == sorted([SCHOOL_LINK, NEW_LINK])
    assert {link["section"] for link in listed.json()} == {"education"}
    assert HEALTH_LINK not in listed.text and "health" not in listed.text
    assert all(link["url"] == "" for link in listed.json())  # the secret only at creation
    # the owner and the steward see every link, health's too
    for steward in STEWARDS:
        every = grid.plan.api(grid.people[steward]).get(f"/sites/{SITE}/links")
        assert _labels(every) == sorted([HEALTH_LINK, SCHOOL_LINK, NEW_LINK])


@pytest.mark.parametrize("who", ["eve", "vic", "cara"])
def test_someone_who_may_not_make_guest_links_is_listed_none(grid: Circle, who: str):
    answer = grid.plan.api(grid.people[who]).get(f"/sites/{SITE}/links")
    assert answer.status_code == 403 or answer.json() == []
    nothing_hidden(who, answer.text)


# ---- the circle, the rules, the log, view-as --------------------------------------------------


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_owner_and_stewards_get_the_circle_the_rules_and_the_log(grid: Circle, who: str):
    person = grid.plan.api(grid.people[who])
    for path in ("/members", "/grants", "/audit"):
        answer = person.get(f"/sites/{SITE}{path}")
        assert answer.status_code == 403, (who, path)
        nothing_hidden(who, answer.text)
    mum = grid.plan.api(grid.people["mum"])
    assert MUM_EMAIL in {m["person"] for m in mum.get(f"/sites/{SITE}/members").json()}
    assert grid.ids["health_grant"] in {g["id"] for g in mum.get(f"/sites/{SITE}/grants").json()}
    assert any(e["action"] == "guest-link" for e in mum.get(f"/sites/{SITE}/audit").json())


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_owner_and_stewards_may_see_the_plan_as_someone_else(grid: Circle, who: str):
    client = grid.plan.client(grid.people[who])
    for target in (BEN, MUM_EMAIL, f"link:{grid.ids['health_link']}"):
        for tail in ("", "/about-me", "/health"):
            answer = client.get(f"/s/{SITE}/view-as/{target}{tail}")
            assert answer.status_code == 403, (who, target, tail)
            nothing_hidden(who, answer.text)
    steward = grid.plan.client(grid.people["mum"])
    assert steward.get(f"/s/{SITE}/view-as/{BEN}/health").status_code == 200


# ---- export -----------------------------------------------------------------------------------


def _zip(answer: httpx2.Response) -> dict[str, bytes]:
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _exports(grid: Circle, who: str) -> list[dict[str, bytes]]:
    """The same person's copy through the page's download and through the API."""
    actor = grid.people[who]
    return [
        _zip(grid.plan.client(actor).get(f"/s/{SITE}/export.zip")),
        _zip(grid.plan.api(actor).get(f"/sites/{SITE}/export")),
    ]


def _page_sections(files: dict[str, bytes]) -> set[str]:
    return {name.split("/")[1] for name in files if name.startswith(("pages/", "history/"))}


@pytest.mark.parametrize("who", STEWARDS)
def test_the_owner_and_a_steward_take_a_full_copy_with_the_circle_and_the_log(
    grid: Circle, who: str
):
    for files in _exports(grid, who):
        assert set(files) >= CIRCLE_FILES
        assert _page_sections(files) == {"about-me", "health", "budget", "education"}
        assert json.loads(files["planwiki.json"])["scope"] == "full"
        assert MUM_EMAIL.encode() in files["circle.json"]
        assert HEALTH_LINK.encode() in files["links.json"]
    assert FULL_COPY in grid.plan.client(grid.people[who]).get(f"/s/{SITE}/export").text


@pytest.mark.parametrize("who", ["eve", "vic"])
def test_someone_who_may_view_every_section_gets_the_pages_but_not_the_circle_or_the_log(
    grid: Circle, who: str
):
    for files in _exports(grid, who):
        assert not CIRCLE_FILES & set(files), f"{who} got {CIRCLE_FILES & set(files)}"
        assert _page_sections(files) == {"about-me", "health", "budget", "education"}
        assert json.loads(files["planwiki.json"])["scope"] == "shared"
        assert "control_review" not in json.loads(files["site.json"])
        everything = b"".join(files.values()).decode()
        nothing_hidden(who, everything)
        assert BEN not in everything  # a circle member's address is circle data
    page = grid.plan.client(grid.people[who]).get(f"/s/{SITE}/export").text
    assert "the circle" not in page and "shared with you, and nothing else" in page


@pytest.mark.parametrize("who", ["cara", "sol"])
def test_someone_with_one_section_exports_that_section_and_nothing_else(grid: Circle, who: str):
    for files in _exports(grid, who):
        assert not CIRCLE_FILES & set(files)
        assert _page_sections(files) == {"education"}
        structure = json.loads(files["structure.json"])
        assert [s["key"] for s in structure["sections"]] == ["education"]
        everything = b"".join(files.values()).decode()
        nothing_hidden(who, everything)
        assert "marmalade" not in everything.lower()  # about-me
