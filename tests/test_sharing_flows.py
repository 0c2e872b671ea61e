"""Sharing as people live it (issue #3): taking access back mid-session, expiry, leaving a
group or the circle, guest links, invitations over real SMTP, who may manage sharing,
view-as, the matrix, the audit log, the age-16 handover, and one browser walk-through
("share one section with one person in three steps or fewer") with axe checks.

Accounts are made without passwords and given a session directly (signing in is tested
elsewhere), so the flows stay fast; every request still goes through the whole app.
"""

from __future__ import annotations

import calendar
import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import csrf_of, free_port, post_form, start_server, stop_server
from starlette.applications import Starlette
from starlette.testclient import TestClient

from wiki import accounts, clock, mail, store
from wiki.db import Database
from wiki.errors import Forbidden
from wiki.middleware import SESSION_COOKIE
from wiki.models import STANDARD_SECTIONS, Actor, end_of_compulsory_school_age
from wiki.store import circle, invitations, links, oversight
from wiki.store.context import load_site

PASSWORD = "a long pass phrase for nia"

SITE = "ava"
SECTION_TITLES = {key: title for key, title, _ in STANDARD_SECTIONS}
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

# (section, slug, title, body); the marker words appear nowhere else.
CONTENT = [
    ("about-me", "profile", "All about Ava", "Ava loves trampolines and marmalade toast."),
    ("about-me", "likes", "Things I like", "Trampolines, ducks and the number 7."),
    ("health", "medicines", "Tablets and doses", "Ava takes kestrelmycin every morning."),
    ("budget", "money", "Money for this year", "The wombatfund pays for swimming."),
    ("education", "school", "School days", "Greenfield Academy, Year 10."),
]
MARKERS = {"health": ["kestrelmycin", "tablets and doses"], "budget": ["wombatfund", "money for this year"],
           "education": ["greenfield", "school days"]}  # fmt: skip


# ---- a small plan and its circle --------------------------------------------------------------


@dataclass
class Plan:
    app: Starlette
    db: Database
    owner: Actor
    mum: Actor  # a steward: manage on everything
    ben: Actor  # a friend: the friends group reads about-me
    cara: Actor  # a teacher: the school group edits education
    stranger: Actor  # has an account, not in the circle

    def client(self, who: Actor | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if who is not None:
            user = accounts.find_user(self.db, who.email)
            assert user is not None
            client.cookies.set(
                SESSION_COOKIE, accounts.start_session(self.db, user, absolute_hours=24 * 14)
            )
        return client

    def api(self, who: Actor) -> TestClient:
        user = accounts.find_user(self.db, who.email)
        assert user is not None
        token = accounts.create_token(self.db, user)
        return TestClient(self.app, follow_redirects=False, base_url="http://testserver/api/v1",
                          headers={"authorization": f"Bearer {token}"})  # fmt: skip

    def grants(self) -> list[dict[str, Any]]:
        return [g.__dict__ for g in circle.list_grants(self.db, self.owner, site=SITE)]

    def grant_id(self, **match: str | None) -> int:
        found = [g for g in self.grants() if all(g[k] == v for k, v in match.items())]
        assert len(found) == 1, (match, self.grants())
        return int(found[0]["id"])

    def audit(self, **filters: str) -> list[oversight.AuditEntry]:
        return oversight.list_audit(self.db, self.owner, site=SITE, **filters)  # type: ignore[arg-type]


def user(db, name: str) -> Actor:
    made = accounts.create_user(db, email=f"{name.lower()}@example.org", name=name)
    return Actor(user_id=made.id, email=made.email, name=made.name)


def build_plan(app, db, *, date_of_birth: str | None = None) -> Plan:
    owner, mum, ben, cara, stranger = (user(db, n) for n in ("Ava", "Mo", "Ben", "Cara", "Stan"))
    store.create_site(db, owner, slug=SITE, title="Ava's plan", date_of_birth=date_of_birth)
    circle.add_member(db, owner, site=SITE, email=mum.email, relationship="mum", groups=["family"])
    circle.add_member(
        db, owner, site=SITE, email=ben.email, relationship="friend", groups=["friends"]
    )
    circle.add_member(
        db, owner, site=SITE, email=cara.email, relationship="teacher", groups=["school"]
    )
    circle.add_grant(db, owner, site=SITE, section="*", capability="manage", person=mum.email)
    circle.add_grant(db, owner, site=SITE, section="about-me", capability="view", group="friends")
    circle.add_grant(db, owner, site=SITE, section="education", capability="edit", group="school")
    for section, slug, title, body in CONTENT:
        store.save_page(
            db,
            owner,
            site=SITE,
            section=section,
            page=slug,
            body=body,
            base_revision=None,
            title=title,
        )
    return Plan(app, db, owner, mum, ben, cara, stranger)


@pytest.fixture
def plan(app, db) -> Plan:
    return build_plan(app, db)


def no_markers(text: str, *sections: str) -> None:
    low = text.lower()
    for section in sections:
        for word in MARKERS[section]:
            assert word not in low, f"{word!r} from {section} leaked"


def share(client: TestClient, **fields: str):
    return post_form(client, f"/s/{SITE}/sharing", fields, page=f"/s/{SITE}/sharing")


def nav_sections(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, flags=re.S)
    assert nav, "no section navigation"
    return [
        k for k in re.findall(r'<a href="[^"]*/([a-z0-9-]+)"', nav.group(0)) if k in SECTION_TITLES
    ]


# ---- taking access back -----------------------------------------------------------------------


def test_a_revoked_grant_stops_working_on_the_very_next_request_in_an_open_session(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    ben_api = plan.api(plan.ben)
    assert share(owner, action="share", who=f"person:{plan.ben.email}", section="health",
                 capability="view").status_code == 303  # fmt: skip
    for _ in range(2):  # the session keeps working while the grant stands
        assert ben.get(f"/s/{SITE}/health/medicines").status_code == 200
        assert ben_api.get(f"/sites/{SITE}/pages/health/medicines").status_code == 200

    grant = plan.grant_id(person=plan.ben.email, section="health")
    assert share(owner, action="revoke", grant=str(grant)).status_code == 303

    gone = ben.get(f"/s/{SITE}/health/medicines")
    assert gone.status_code == 404
    no_markers(gone.text, "health")
    assert ben_api.get(f"/sites/{SITE}/pages/health/medicines").status_code == 404
    assert ben.get(f"/s/{SITE}/health").status_code == 404
    assert "health" not in [s["key"] for s in ben_api.get(f"/sites/{SITE}").json()["sections"]]
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200  # the group grant is untouched
    assert [e.action for e in plan.audit(section="health", action="change")][:2] == [
        "unshare",
        "share",
    ]


def test_revoking_through_the_api_ends_access_for_a_token_holder_at_once(plan: Plan):
    owner_api, ben_api = plan.api(plan.owner), plan.api(plan.ben)
    made = owner_api.post(
        f"/sites/{SITE}/grants",
        json={"person": plan.ben.email, "section": "budget", "capability": "edit"},
    )
    assert made.status_code == 201
    assert made.json() == {"id": made.json()["id"], "person": plan.ben.email, "group": None,
                           "section": "budget", "capability": "edit", "expires_at": None}  # fmt: skip
    page = ben_api.get(f"/sites/{SITE}/pages/budget/money").json()
    assert ben_api.put(f"/sites/{SITE}/pages/budget/money",
                       json={"body": page["body"] + " More.", "base_revision": page["revision"]}).status_code == 200  # fmt: skip
    assert owner_api.delete(f"/sites/{SITE}/grants/{made.json()['id']}").status_code == 204
    refused = ben_api.put(
        f"/sites/{SITE}/pages/budget/money", json={"body": "x", "base_revision": 2}
    )
    assert refused.status_code == 404
    assert ben_api.get(f"/sites/{SITE}/pages/budget/money").status_code == 404
    assert [s["slug"] for s in ben_api.get("/sites").json()] == [SITE]  # still sees about-me


def test_a_grant_that_expires_stops_at_that_moment_in_an_open_session(plan: Plan):
    clock.freeze(T0)
    owner_api = plan.api(plan.owner)
    ends = T0 + timedelta(hours=2)
    made = owner_api.post(f"/sites/{SITE}/grants", json={
        "person": plan.ben.email, "section": "health", "capability": "view",
        "expires_at": ends.isoformat().replace("+00:00", "Z")})  # fmt: skip
    assert made.status_code == 201
    assert datetime.fromisoformat(made.json()["expires_at"]) == ends
    ben, ben_api = plan.client(plan.ben), plan.api(plan.ben)

    clock.freeze(ends - timedelta(microseconds=1))
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 200
    assert ben_api.get(f"/sites/{SITE}/pages/health/medicines").status_code == 200
    sharing = plan.client(plan.owner).get(f"/s/{SITE}/sharing")
    assert "until 23 November 2026" in sharing.text  # shown in words

    clock.freeze(ends)
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 404
    assert ben_api.get(f"/sites/{SITE}/pages/health/medicines").status_code == 404
    assert [s["key"] for s in ben_api.get(f"/sites/{SITE}").json()["sections"]] == ["about-me"]


def test_a_grant_shared_until_a_day_lasts_to_the_end_of_that_day(plan: Plan):
    clock.freeze(T0)
    owner = plan.client(plan.owner)
    assert share(owner, action="share", who=f"person:{plan.ben.email}", section="budget",
                 capability="view", until="2026-11-30").status_code == 303  # fmt: skip
    clock.freeze(datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC))
    ben = plan.client(plan.ben)  # a week later: a fresh session (idle ones end after 8 hours)
    assert ben.get(f"/s/{SITE}/budget/money").status_code == 200
    clock.freeze(datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC))
    assert ben.get(f"/s/{SITE}/budget/money").status_code == 404


def test_a_past_end_date_or_a_person_outside_the_circle_is_refused_and_nothing_is_shared(
    plan: Plan,
):
    owner_api = plan.api(plan.owner)
    before = plan.grants()
    past = owner_api.post(f"/sites/{SITE}/grants", json={"person": plan.ben.email, "section": "health",
                          "capability": "view", "expires_at": "2020-01-01T00:00:00Z"})  # fmt: skip
    assert past.status_code == 422
    outsider = owner_api.post(f"/sites/{SITE}/grants", json={"person": plan.stranger.email, "section": "health",
                              "capability": "view"})  # fmt: skip
    assert outsider.status_code == 422
    assert plan.grants() == before


def test_leaving_a_group_takes_its_sections_away_on_the_next_request(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200
    assert (
        share(owner, action="groups", email=plan.ben.email).status_code == 303
    )  # no groups ticked
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 404
    assert ben.get(f"/s/{SITE}").status_code == 404
    assert plan.api(plan.ben).get("/sites").json() == []
    # and joining another group gives exactly that group's sections
    assert post_form(owner, f"/s/{SITE}/sharing", {"action": "groups", "email": plan.ben.email, "groups": "school"},
                     page=f"/s/{SITE}/sharing").status_code == 303  # fmt: skip
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 404
    assert ben.get(f"/s/{SITE}/education/school/edit").status_code == 200


def test_removing_someone_from_the_circle_ends_everything_they_had(plan: Plan):
    owner, cara = plan.client(plan.owner), plan.client(plan.cara)
    circle.add_grant(
        plan.db, plan.owner, site=SITE, section="health", capability="view", person=plan.cara.email
    )
    assert cara.get(f"/s/{SITE}/health/medicines").status_code == 200
    assert cara.get(f"/s/{SITE}/education/school").status_code == 200
    assert share(owner, action="remove-member", email=plan.cara.email).status_code == 303
    for url in (
        f"/s/{SITE}",
        f"/s/{SITE}/health/medicines",
        f"/s/{SITE}/education/school",
        f"/s/{SITE}/education",
    ):
        response = cara.get(url)
        assert response.status_code == 404
        no_markers(response.text, "health", "education")
    assert not any(g["person"] == plan.cara.email for g in plan.grants())
    assert plan.cara.email not in [
        m.email for m in circle.list_members(plan.db, plan.owner, site=SITE)
    ]
    assert any(e.action == "remove-member" and plan.cara.email in e.detail for e in plan.audit())


def test_removing_someone_through_the_api_works_the_same_way(plan: Plan):
    ben_api = plan.api(plan.ben)
    assert ben_api.get(f"/sites/{SITE}").status_code == 200
    assert plan.api(plan.owner).delete(f"/sites/{SITE}/members/{plan.ben.email}").status_code == 204
    assert ben_api.get(f"/sites/{SITE}").status_code == 404
    assert ben_api.get(f"/sites/{SITE}/pages/about-me/profile").status_code == 404


# ---- guest links --------------------------------------------------------------------------


def make_link(
    owner: TestClient, section: str = "about-me", label: str = "Leisure centre", until: str = ""
) -> str:
    made = share(owner, action="link", section=section, label=label, until=until)
    assert made.status_code == 200, made.text
    match = re.search(r"/g/([A-Za-z0-9_-]{20,})", made.text)
    assert match, "the new guest link is shown once"
    return match.group(1)


def link_id(plan: Plan, label: str = "Leisure centre") -> int:

    return next(
        link.id
        for link in links.list_guest_links(plan.db, plan.owner, site=SITE)
        if link.label == label
    )


def test_a_guest_link_shows_its_one_section_and_nothing_else(plan: Plan):
    token = make_link(plan.client(plan.owner))
    guest = plan.client()
    opened = guest.get(f"/g/{token}")
    assert opened.status_code == 303 and opened.headers["location"] == f"/g/{token}/about-me"
    section = guest.get(f"/g/{token}/about-me")
    page = guest.get(f"/g/{token}/about-me/profile")
    assert section.status_code == page.status_code == 200
    assert "All about Ava" in section.text and "Things I like" in section.text
    assert "marmalade" in page.text
    for response in (section, page):
        assert nav_sections(response.text) == ["about-me"]
        for key, title in SECTION_TITLES.items():
            if key != "about-me":
                assert title not in response.text, f"the guest can see the name {title!r}"
                assert f"/{key}" not in response.text
        no_markers(response.text, "health", "budget", "education")
        assert "/history" not in response.text and "/edit" not in response.text
        assert f"/s/{SITE}/" not in response.text  # every link stays inside the guest window
    for url in (f"/g/{token}/health", f"/g/{token}/health/medicines", f"/g/{token}/budget/money",
                f"/g/{token}/about-me/profile/history", f"/g/{token}/about-me/profile/edit",
                f"/g/{token}/about-me/nope"):  # fmt: skip
        refused = guest.get(url)
        assert refused.status_code == 404, url
        no_markers(refused.text, "health", "budget")
    # the secret opens nothing outside /g/
    assert guest.get(f"/s/{SITE}/about-me/profile").status_code == 303
    assert (
        guest.get(f"/api/v1/sites/{SITE}", headers={"authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_each_guest_page_view_is_in_the_audit_log_as_the_guest_link(plan: Plan):
    owner = plan.client(plan.owner)
    token = make_link(owner)
    guest = plan.client()
    assert guest.get(f"/g/{token}/about-me/profile").status_code == 200
    assert guest.get(f"/g/{token}/about-me/likes").status_code == 200
    ident = link_id(plan)
    views = (
        plan.api(plan.owner)
        .get(f"/sites/{SITE}/audit", params={"person": f"link:{ident}", "action": "view"})
        .json()
    )
    assert [(v["who"], v["section"], v["page"]) for v in views] == [
        ("Guest link: Leisure centre", "about-me", "Things I like"),
        ("Guest link: Leisure centre", "about-me", "All about Ava"),
    ]
    audit_page = owner.get(f"/s/{SITE}/audit", params={"person": f"link:{ident}"})
    assert audit_page.status_code == 200 and "Guest link: Leisure centre" in audit_page.text


def test_the_sharing_page_counts_every_guest_link_view_up_to_now(plan: Plan):
    clock.freeze(T0)
    owner = plan.client(plan.owner)
    token = make_link(owner)
    guest = plan.client()
    for slug in ("profile", "likes"):
        assert guest.get(f"/g/{token}/about-me/{slug}").status_code == 200
    sharing = owner.get(f"/s/{SITE}/sharing")
    assert re.search(r"Leisure centre</strong> — About me, until [^,]+, opened 2 times", sharing.text), \
        "the owner is told the link was opened twice"  # fmt: skip


def test_opening_a_guest_link_is_recorded_even_if_no_page_is_clicked(plan: Plan):
    token = make_link(plan.client(plan.owner))
    guest = plan.client()
    assert guest.get(f"/g/{token}", follow_redirects=True).status_code == 200
    views = plan.audit(person=f"link:{link_id(plan)}", action="view")
    assert [(v.who, v.section) for v in views] == [("Guest link: Leisure centre", "about-me")]


def test_a_switched_off_guest_link_stops_at_once(plan: Plan):
    owner = plan.client(plan.owner)
    token = make_link(owner)
    guest = plan.client()
    assert guest.get(f"/g/{token}/about-me/profile").status_code == 200
    assert share(owner, action="revoke-link", link=str(link_id(plan))).status_code == 303
    for url in (f"/g/{token}", f"/g/{token}/about-me", f"/g/{token}/about-me/profile"):
        gone = guest.get(url)
        assert gone.status_code == 404
        assert "not valid any more" in gone.text and "marmalade" not in gone.text
    assert "switched off" in owner.get(f"/s/{SITE}/sharing").text
    assert any(e.action == "revoke-link" for e in plan.audit())


def test_a_guest_link_stops_when_its_day_ends(plan: Plan):
    clock.freeze(T0)
    token = make_link(plan.client(plan.owner), until="2026-12-24")
    guest = plan.client()
    clock.freeze(datetime(2026, 12, 24, 23, 59, 58, tzinfo=UTC))
    assert guest.get(f"/g/{token}/about-me/profile").status_code == 200
    clock.freeze(datetime(2026, 12, 25, 0, 0, tzinfo=UTC))
    assert guest.get(f"/g/{token}/about-me/profile").status_code == 404
    assert guest.get(f"/g/{token}").status_code == 404


def test_a_guest_link_lasts_thirty_days_when_no_day_is_given(plan: Plan):
    clock.freeze(T0)
    token = make_link(plan.client(plan.owner))
    guest = plan.client()
    clock.freeze(T0 + timedelta(days=30) - timedelta(seconds=1))
    assert guest.get(f"/g/{token}/about-me").status_code == 200
    clock.freeze(T0 + timedelta(days=30))
    assert guest.get(f"/g/{token}/about-me").status_code == 404


@pytest.mark.parametrize(
    "path", ["/g/not-a-real-token", "/g/not-a-real-token/about-me", "/g/x/about-me/profile"]
)
def test_a_wrong_guest_token_gets_a_friendly_not_found_page(plan: Plan, path: str):
    response = plan.client().get(path)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "not valid any more" in response.text and "ask the person who shared it" in response.text
    assert "Ava" not in response.text and "marmalade" not in response.text


def test_a_file_on_a_hidden_page_cannot_be_fetched_by_reader_guest_or_api(plan: Plan):
    """Attachments ask the same policy as their page: 404 for anyone who cannot view the section."""
    owner_api, ben_api = plan.api(plan.owner), plan.api(plan.ben)
    made = owner_api.post(
        f"/sites/{SITE}/attachments",
        data={"section": "health", "page": "medicines", "caption": "kestrelmycin leaflet"},
        files={"file": ("leaflet.txt", b"kestrelmycin dose chart", "text/plain")},
    )
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    key = url.split("/-/files/")[1].split("/")[0]
    ben = plan.client(plan.ben)
    token = make_link(plan.client(plan.owner), section="about-me")
    guest = plan.client()
    doors = [
        (ben, url), (ben, f"/s/{SITE}/-/thumbs/{key}"), (guest, f"/g/{token}/-/files/{key}/leaflet.txt"),
        (guest, f"/g/{token}/-/thumbs/{key}"),
    ]  # fmt: skip
    for client, door in doors:
        refused = client.get(door)
        assert refused.status_code == 404, door
        no_markers(refused.text, "health")
    listing = ben_api.get(f"/sites/{SITE}/pages/health/medicines/attachments")
    assert listing.status_code == 404
    no_markers(listing.text, "health")
    assert "kestrelmycin" not in ben.get(f"/s/{SITE}/about-me/profile").text.lower()

    circle.add_grant(
        plan.db, plan.owner, site=SITE, section="health", capability="view", person=plan.ben.email
    )
    opened = ben.get(url)
    assert opened.status_code == 200 and opened.content == b"kestrelmycin dose chart"
    assert ben_api.get(f"/sites/{SITE}/pages/health/medicines/attachments").status_code == 200
    assert (
        guest.get(f"/g/{token}/-/files/{key}/leaflet.txt").status_code == 404
    )  # a guest link never widens
    share(
        plan.client(plan.owner),
        action="revoke",
        grant=str(plan.grant_id(person=plan.ben.email, section="health")),
    )
    assert ben.get(url).status_code == 404


# ---- invitations ------------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("PLANWIKI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLANWIKI_SMTP_PORT", str(port))
    yield inbox
    controller.stop()


def invitation_token(text: str) -> str:
    match = re.search(r"/invite/([A-Za-z0-9_-]{20,})", text)
    assert match, "no invitation link in the message"
    return match.group(1)


def invite(client: TestClient, address: str, **extra: str):
    data = {"action": "invite", "email": address, "relationship": "swimming coach", "groups": "friends",
            "section": "health", "capability": "view", **extra}  # fmt: skip
    return share(client, **data)


def test_an_invitation_goes_out_by_smtp_and_accepting_it_joins_the_circle_and_signs_in(
    plan: Plan, smtp: Inbox
):
    assert invite(plan.client(plan.owner), "Nia@Example.org").status_code == 303
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "nia@example.org"
    assert "Ava's plan" in message["Subject"]
    token = invitation_token(message.get_content())
    assert mail.outbox(plan.db)[0]["sent_at"]

    newcomer = plan.client()
    form = newcomer.get(f"/invite/{token}")
    assert form.status_code == 200 and "You are invited to Ava" in form.text
    # A new account needs a password chosen here: the link alone signs nobody in (#14).
    no_password = newcomer.post(
        f"/invite/{token}", data={"name": "Nia Swim", "csrftoken": csrf_of(form.text)}
    )
    assert no_password.status_code == 422 and accounts.find_user(plan.db, "nia@example.org") is None
    joined = newcomer.post(
        f"/invite/{token}",
        data={"name": "Nia Swim", "password": PASSWORD, "csrftoken": csrf_of(form.text)},
    )
    assert joined.status_code == 303 and joined.headers["location"] == f"/s/{SITE}?done=joined"

    # signed in, in the circle with the invited group and starting grant, and nothing more
    assert newcomer.get(f"/s/{SITE}/health/medicines").status_code == 200
    assert (
        newcomer.get(f"/s/{SITE}/about-me/profile").status_code == 200
    )  # through the friends group
    assert newcomer.get(f"/s/{SITE}/budget/money").status_code == 404
    assert newcomer.get(f"/s/{SITE}/health/medicines/edit").status_code == 403
    member = next(
        m
        for m in circle.list_members(plan.db, plan.owner, site=SITE)
        if m.email == "nia@example.org"
    )
    assert (member.name, member.relationship, member.groups) == (
        "Nia Swim",
        "swimming coach",
        ["friends"],
    )
    assert plan.grant_id(person="nia@example.org", section="health", capability="view")
    assert any(e.action == "join" and e.email == "nia@example.org" for e in plan.audit())
    assert any(e.action == "invite" and "nia@example.org" in e.detail for e in plan.audit())

    # the link works once
    for again in (plan.client().get(f"/invite/{token}"),
                  plan.client().post(f"/invite/{token}", data={"name": "Someone Else"})):  # fmt: skip
        assert again.status_code in (403, 404)
    reused = plan.client().get(f"/invite/{token}")
    assert reused.status_code == 404 and "already been used" in reused.text
    assert (
        len(
            [
                m
                for m in circle.list_members(plan.db, plan.owner, site=SITE)
                if m.email == "nia@example.org"
            ]
        )
        == 1
    )


def test_a_second_use_of_an_invitation_with_its_form_is_refused_and_changes_nothing(
    plan: Plan, smtp: Inbox
):
    assert invite(plan.client(plan.owner), "nia@example.org").status_code == 303
    token = invitation_token(smtp.messages[0].get_content())
    first, second = plan.client(), plan.client()
    form_a, form_b = first.get(f"/invite/{token}"), second.get(f"/invite/{token}")  # both open it
    assert (
        first.post(
            f"/invite/{token}",
            data={"name": "Nia", "password": PASSWORD, "csrftoken": csrf_of(form_a.text)},
        ).status_code
        == 303
    )
    late = second.post(
        f"/invite/{token}",
        data={"name": "Mallory", "password": PASSWORD, "csrftoken": csrf_of(form_b.text)},
    )
    assert late.status_code == 404 and "already been used" in late.text
    assert SESSION_COOKIE not in late.headers.get("set-cookie", "")
    assert second.get(f"/s/{SITE}").status_code == 303  # still not signed in


def test_without_smtp_the_invitation_waits_in_the_outbox(
    plan: Plan, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PLANWIKI_SMTP_HOST", raising=False)
    assert invite(plan.client(plan.owner), "olu@example.org").status_code == 303
    waiting = mail.outbox(plan.db)[0]
    assert waiting["to_address"] == "olu@example.org" and waiting["sent_at"] is None
    token = invitation_token(waiting["body"])
    assert plan.client().get(f"/invite/{token}").status_code == 200


def test_an_invitation_expires_after_seven_days(plan: Plan, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PLANWIKI_SMTP_HOST", raising=False)
    clock.freeze(T0)
    made = plan.api(plan.owner).post(
        f"/sites/{SITE}/invitations", json={"email": "late@example.org", "groups": ["friends"]}
    )
    assert made.status_code == 201
    assert datetime.fromisoformat(made.json()["expires_at"]) == T0 + timedelta(days=7)
    token = invitation_token(mail.outbox(plan.db)[0]["body"])
    clock.freeze(T0 + timedelta(days=7) - timedelta(microseconds=1))
    assert plan.client().get(f"/invite/{token}").status_code == 200
    clock.freeze(T0 + timedelta(days=7))
    late = plan.client()
    expired = late.get(f"/invite/{token}")
    assert expired.status_code == 404 and "expired" in expired.text
    refused = late.post(
        f"/invite/{token}",
        data={"name": "Late Larry", "csrftoken": csrf_of(late.get("/login").text)},
    )
    assert refused.status_code == 404
    assert accounts.find_user(plan.db, "late@example.org") is None


def test_accepting_an_invitation_links_an_account_that_already_exists(plan: Plan, smtp: Inbox):
    assert (
        invite(
            plan.client(plan.owner), plan.stranger.email, section="", groups="school"
        ).status_code
        == 303
    )
    token = invitation_token(smtp.messages[0].get_content())
    # The link alone does not sign in to the account that exists (issue #14): sign in first.
    stan = plan.client()
    form = stan.get(f"/invite/{token}")
    assert "Sign in to accept" in form.text and "/login?next=/invite/" in form.text
    refused = stan.post(f"/invite/{token}", data={"csrftoken": csrf_of(stan.get("/login").text)})
    assert refused.status_code == 403 and SESSION_COOKIE not in refused.headers.get(
        "set-cookie", ""
    )
    assert stan.get(f"/s/{SITE}/education/school/edit").status_code in (303, 404)
    stan = plan.client(plan.stranger)
    form = stan.get(f"/invite/{token}")
    assert "You are signed in as" in form.text
    assert stan.post(f"/invite/{token}", data={"csrftoken": csrf_of(form.text)}).status_code == 303
    assert stan.get(f"/s/{SITE}/education/school/edit").status_code == 200
    assert (
        len(
            [u for u in plan.db.all("SELECT id FROM users WHERE email = ?", (plan.stranger.email,))]
        )
        == 1
    )


def test_an_invitation_for_stan_cannot_be_accepted_by_ben_signed_in(plan: Plan, smtp: Inbox):
    """Issue #25: Ben (in the circle already, reading About me) opens the link Stan was sent.
    The page says it is for someone else; posting it changes nothing; Stan can still accept."""
    assert invite(plan.client(plan.owner), plan.stranger.email, section="health").status_code == 303
    token = invitation_token(smtp.messages[0].get_content())
    ben = plan.client(plan.ben)
    form = ben.get(f"/invite/{token}")
    assert form.status_code == 403 and "but you are signed in as ben@example.org" in form.text
    refused = ben.post(f"/invite/{token}", data={"csrftoken": csrf_of(ben.get("/login").text)})
    assert refused.status_code == 403
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 404  # no health for Ben
    # The store itself refuses, whoever calls it.
    with pytest.raises(Forbidden):
        invitations.accept_invitation(plan.db, token, user_id=plan.ben.user_id)  # type: ignore[arg-type]
    stan = plan.client(plan.stranger)
    accepted = stan.post(
        f"/invite/{token}", data={"csrftoken": csrf_of(stan.get(f"/invite/{token}").text)}
    )
    assert accepted.status_code == 303
    assert stan.get(f"/s/{SITE}/health/medicines").status_code == 200


# ---- who may manage sharing ---------------------------------------------------------------------


MANAGE_PAGES = ["/sharing", "/audit", "/view-as/mo@example.org", "/view-as/mo@example.org/about-me"]


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_a_reader_in_the_circle_is_told_no_and_a_stranger_finds_nothing(plan: Plan, path: str):
    assert plan.client(plan.ben).get(f"/s/{SITE}{path}").status_code == 403
    assert plan.client(plan.stranger).get(f"/s/{SITE}{path}").status_code == 404
    assert plan.client(plan.mum).get(f"/s/{SITE}{path}").status_code == 200
    assert plan.client(plan.owner).get(f"/s/{SITE}{path}").status_code == 200


@pytest.mark.parametrize("action", [
    {"action": "share", "who": "person:ben@example.org", "section": "about-me", "capability": "manage"},
    {"action": "invite", "email": "friend-of-ben@example.org"},
    {"action": "link", "section": "about-me", "label": "Ben's club"},
    {"action": "member", "email": "stan@example.org", "relationship": "pal"},
    {"action": "remove-member", "email": "cara@example.org"},
    {"action": "groups", "email": "ben@example.org", "groups": "family"},
    {"action": "group", "title": "Ben's gang"},
    {"action": "matrix", "cell|person:ben@example.org|health": "view", "was|person:ben@example.org|health": "none"},
])  # fmt: skip
def test_a_reader_cannot_change_sharing_through_the_form_and_a_stranger_finds_nothing(
    plan: Plan, action: dict[str, Any]
):
    before = (plan.grants(), [m.email for m in circle.list_members(plan.db, plan.owner, site=SITE)])
    ben = plan.client(plan.ben)
    token = csrf_of(ben.get("/").text)
    assert ben.post(f"/s/{SITE}/sharing", data={**action, "csrftoken": token}).status_code == 403
    stan = plan.client(plan.stranger)
    assert (
        stan.post(
            f"/s/{SITE}/sharing", data={**action, "csrftoken": csrf_of(stan.get("/").text)}
        ).status_code
        == 404
    )
    assert (
        plan.grants(),
        [m.email for m in circle.list_members(plan.db, plan.owner, site=SITE)],
    ) == before
    assert plan.db.one("SELECT COUNT(*) AS n FROM invitations")["n"] == 0  # type: ignore[index]
    assert plan.db.one("SELECT COUNT(*) AS n FROM guest_links")["n"] == 0  # type: ignore[index]


def test_a_reader_cannot_manage_sharing_through_the_api(plan: Plan):
    ben, stan = plan.api(plan.ben), plan.api(plan.stranger)
    health_grant = circle.add_grant(plan.db, plan.owner, site=SITE, section="health", capability="view",
                                    person=plan.mum.email).id  # fmt: skip
    about_grant = plan.grant_id(group="friends", section="about-me")
    calls = [
        ("GET", f"/sites/{SITE}/grants", None, 403),
        (
            "POST",
            f"/sites/{SITE}/grants",
            {"person": plan.ben.email, "section": "about-me", "capability": "manage"},
            403,
        ),
        (
            "POST",
            f"/sites/{SITE}/grants",
            {"person": plan.ben.email, "section": "health", "capability": "view"},
            404,
        ),
        (
            "POST",
            f"/sites/{SITE}/grants",
            {"person": plan.ben.email, "section": "*", "capability": "view"},
            403,
        ),
        ("DELETE", f"/sites/{SITE}/grants/{about_grant}", None, 403),
        (
            "DELETE",
            f"/sites/{SITE}/grants/{health_grant}",
            None,
            404,
        ),  # a rule about a section Ben cannot see
        ("DELETE", f"/sites/{SITE}/grants/99999", None, 404),
        ("POST", f"/sites/{SITE}/invitations", {"email": "x@example.org"}, 403),
        ("POST", f"/sites/{SITE}/links", {"section": "about-me"}, 403),
        ("POST", f"/sites/{SITE}/links", {"section": "health"}, 404),
        ("GET", f"/sites/{SITE}/audit", None, 403),
        ("GET", f"/sites/{SITE}/members", None, 403),
        ("POST", f"/sites/{SITE}/members", {"person": plan.stranger.email}, 403),
        ("DELETE", f"/sites/{SITE}/members/{plan.cara.email}", None, 403),
    ]
    for method, url, body, expected in calls:
        answer = ben.request(method, url, json=body)
        assert answer.status_code == expected, (method, url, answer.text)
        no_markers(answer.text, "health", "budget", "education")
        assert stan.request(method, url, json=body).status_code == 404, (method, url)
    links = ben.get(f"/sites/{SITE}/links")
    assert links.status_code in (200, 403) and (links.status_code == 403 or links.json() == [])


def test_a_steward_can_share_invite_and_read_the_log(plan: Plan):
    mum = plan.api(plan.mum)
    assert (
        mum.post(
            f"/sites/{SITE}/grants",
            json={"group": "friends", "section": "health", "capability": "view"},
        ).status_code
        == 201
    )
    assert (
        mum.post(f"/sites/{SITE}/links", json={"section": "budget", "label": "Bank"}).status_code
        == 201
    )
    assert mum.get(f"/sites/{SITE}/audit").status_code == 200
    assert mum.get(f"/sites/{SITE}/members").status_code == 200
    assert plan.client(plan.ben).get(f"/s/{SITE}/health/medicines").status_code == 200


def test_a_section_manager_may_share_that_section_only(plan: Plan):
    circle.add_grant(
        plan.db,
        plan.owner,
        site=SITE,
        section="education",
        capability="manage",
        person=plan.cara.email,
    )
    cara = plan.api(plan.cara)
    assert cara.post(f"/sites/{SITE}/grants", json={"person": plan.ben.email, "section": "education",
                     "capability": "view"}).status_code == 201  # fmt: skip
    assert cara.post(f"/sites/{SITE}/grants", json={"person": plan.ben.email, "section": "about-me",
                     "capability": "view"}).status_code == 404  # fmt: skip
    assert cara.post(f"/sites/{SITE}/grants", json={"person": plan.ben.email, "section": "*",
                     "capability": "view"}).status_code == 403  # fmt: skip
    assert cara.get(f"/sites/{SITE}/audit").status_code == 403
    assert plan.client(plan.cara).get(f"/s/{SITE}/sharing").status_code == 403


# ---- view as --------------------------------------------------------------------------------


def test_view_as_shows_exactly_what_that_person_sees_and_records_no_views_as_them(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    preview = owner.get(f"/s/{SITE}/view-as/{plan.ben.email}")
    assert preview.status_code == 200
    assert "Preview:" in preview.text and "Ben" in preview.text
    assert nav_sections(preview.text) == nav_sections(ben.get(f"/s/{SITE}").text) == ["about-me"]
    no_markers(preview.text, "health", "budget", "education")
    assert (
        "Who can see what</a>" not in preview.text.split("</nav>", 2)[1]
    )  # no steward links inside the preview

    view_as = f"/s/{SITE}/view-as/{plan.ben.email}"
    assert owner.get(f"{view_as}/about-me").status_code == 200
    page = owner.get(f"{view_as}/about-me/profile")
    assert page.status_code == 200 and "marmalade" in page.text
    assert "/edit" not in page.text  # Ben cannot change it, so no Edit button
    # Ben gets a History button: so does the preview (issue #23), and it stays in the preview.
    assert f'href="{view_as}/about-me/profile/history"' in page.text
    assert f'href="/s/{SITE}/about-me/profile/history"' not in page.text
    assert "This is only a preview" in owner.get(f"{view_as}/about-me/profile/history").text
    for hidden in ("health", "health/medicines", "budget/money", "education/school"):
        response = owner.get(f"{view_as}/{hidden}")
        assert response.status_code == 404, hidden
        no_markers(response.text, "health", "budget", "education")

    assert plan.audit(person=plan.ben.email) == []  # previewing never counts as Ben looking
    assert plan.audit(action="view") == []
    assert (
        owner.get(f"/s/{SITE}/view-as/{plan.stranger.email}").status_code == 404
    )  # not in the circle


def test_view_as_a_teacher_and_as_a_guest_link(plan: Plan):
    owner = plan.client(plan.owner)
    teacher = owner.get(f"/s/{SITE}/view-as/{plan.cara.email}")
    assert nav_sections(teacher.text) == ["education"]
    token = make_link(owner, section="budget", label="Bank")
    ident = link_id(plan, "Bank")
    as_link = owner.get(f"/s/{SITE}/view-as/link:{ident}")
    assert as_link.status_code == 303 and as_link.headers["location"].endswith(
        f"/view-as/link:{ident}/budget"
    )
    seen = owner.get(as_link.headers["location"])
    assert seen.status_code == 200 and nav_sections(seen.text) == ["budget"]
    assert owner.get(f"/s/{SITE}/view-as/link:{ident}/about-me").status_code == 404
    assert plan.audit(person=f"link:{ident}", action="view") == []
    assert token  # the real link is untouched by the preview


def test_view_as_someone_with_nothing_says_so_plainly(plan: Plan):
    owner = plan.client(plan.owner)
    assert share(owner, action="groups", email=plan.ben.email).status_code == 303
    empty = owner.get(f"/s/{SITE}/view-as/{plan.ben.email}")
    assert empty.status_code == 200 and "Nothing is shared with Ben" in empty.text
    no_markers(empty.text, "health", "budget", "education")


# ---- the matrix -------------------------------------------------------------------------------


def matrix_form(html: str) -> dict[str, str]:
    """Every cell of the matrix as the browser would send it, unchanged."""
    was = dict(re.findall(r'<input type="hidden" name="(was\|[^"]+)" value="([^"]*)"', html))
    assert was, "no matrix on the page"
    return {
        **was,
        **{"cell" + k[3:]: v for k, v in was.items()},
        "action": "matrix",
        "csrftoken": csrf_of(html),
    }


def test_changing_one_cell_of_the_matrix_changes_exactly_that_sharing(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    before = plan.grants()
    form = matrix_form(owner.get(f"/s/{SITE}/sharing/table").text)
    assert form[f"cell|person:{plan.ben.email}|health"] == "none"
    form[f"cell|person:{plan.ben.email}|health"] = "view"
    saved = owner.post(f"/s/{SITE}/sharing", data=form)
    assert saved.status_code == 303 and "Saved+1+change" in saved.headers["location"].replace(
        "%20", "+"
    )
    after = plan.grants()
    added = [g for g in after if g not in before]
    assert [(g["person"], g["section"], g["capability"]) for g in added] == [
        (plan.ben.email, "health", "view")
    ]
    assert all(g in after for g in before)
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 200

    form = matrix_form(owner.get(f"/s/{SITE}/sharing/table").text)
    assert form["cell|group:friends|about-me"] == "view"
    form["cell|group:friends|about-me"] = "edit"
    form[f"cell|person:{plan.ben.email}|health"] = "none"
    assert owner.post(f"/s/{SITE}/sharing", data=form).status_code == 303
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 404
    assert ben.get(f"/s/{SITE}/about-me/profile/edit").status_code == 200
    assert len(plan.grants()) == len(before)


def test_the_matrix_shows_what_a_person_can_really_do_through_their_groups(plan: Plan):
    html = plan.client(plan.owner).get(f"/s/{SITE}/sharing/table").text
    row = re.search(r"<tr>\s*<th scope=\"row\">Ben.*?</tr>", html, flags=re.S)
    assert row and "can read" in row.group(0)


# ---- the audit log --------------------------------------------------------------------------------


def test_the_audit_log_lists_views_and_changes_and_filters_by_person_and_section(plan: Plan):
    ben, cara, owner = plan.client(plan.ben), plan.client(plan.cara), plan.client(plan.owner)
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200
    assert cara.get(f"/s/{SITE}/education/school").status_code == 200
    store.save_page(plan.db, plan.cara, site=SITE, section="education", page="school", body="Year 11 now.",
                    base_revision=1, summary="new year")  # fmt: skip
    api = plan.api(plan.owner)

    everything = api.get(f"/sites/{SITE}/audit").json()
    seen = {(e["person"], e["action"], e["section"]) for e in everything}
    assert {(plan.ben.email, "view", "about-me"), (plan.cara.email, "view", "education"),
            (plan.cara.email, "edit", "education"), (plan.owner.email, "share", "*")} <= seen  # fmt: skip
    assert set(everything[0]) >= {"at", "who", "person", "action", "section", "page", "detail"}

    bens = api.get(f"/sites/{SITE}/audit", params={"person": plan.ben.email}).json()
    assert bens and all(e["person"] == plan.ben.email for e in bens)
    education = api.get(f"/sites/{SITE}/audit", params={"section": "education"}).json()
    assert education and all(e["section"] == "education" for e in education)
    assert {e["action"] for e in education} >= {"view", "edit"}
    views = api.get(f"/sites/{SITE}/audit", params={"action": "view"}).json()
    assert views and all(e["action"] == "view" for e in views)
    changes = api.get(
        f"/sites/{SITE}/audit", params={"action": "change", "person": plan.cara.email}
    ).json()
    assert [(e["action"], e["section"], e["page"]) for e in changes] == [
        ("edit", "education", "School days")
    ]

    # The page is the easy-read log (issue #14): sentences with names and titles, by person.
    page = owner.get(f"/s/{SITE}/audit", params={"person": plan.cara.email})
    assert page.status_code == 200
    log = page.text.split("<h1", 1)[1]
    assert "Cara changed “School days” in Education" in log
    assert "Cara looked at “School days” in Education" in log
    assert "Ben" not in log.split("A weekly email", 1)[0]


def test_the_owner_home_says_who_has_looked(plan: Plan):
    assert plan.client(plan.ben).get(f"/s/{SITE}/about-me/profile").status_code == 200
    home = plan.client(plan.owner).get(f"/s/{SITE}")
    assert "Who has looked at my plan" in home.text and "Ben — 1 view" in home.text
    assert "Who has looked" not in plan.client(plan.ben).get(f"/s/{SITE}").text


# ---- growing up: control passes to the young person -------------------------------------------------


def last_friday_of_june_in_the_school_year_they_turn_16(born: date) -> date:
    """Written out independently: school years run 1 September to 31 August."""
    year = born.year + 16
    school_year_ends = year + 1 if (born.month, born.day) >= (9, 1) else year
    day = date(school_year_ends, 6, 30)
    while day.weekday() != calendar.FRIDAY:
        day -= timedelta(days=1)
    return day


@pytest.mark.parametrize(
    "born", ["2010-03-14", "2010-08-31", "2010-09-01", "2011-06-30", "2008-02-29", "2010-12-25"]
)
def test_the_end_of_compulsory_school_age_is_the_last_friday_of_june(born: str):
    day = date.fromisoformat(born)
    assert end_of_compulsory_school_age(day) == last_friday_of_june_in_the_school_year_they_turn_16(
        day
    )


@pytest.fixture
def grown(app, db) -> tuple[Plan, Actor, Actor]:
    """Ava, born 14 March 2010: control passes on Friday 26 June 2026. Three stewards."""
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    found = build_plan(app, db, date_of_birth="2010-03-14")
    dad, gran = user(db, "Dev"), user(db, "Gwen")
    for person, relationship in ((dad, "dad"), (gran, "gran")):
        circle.add_member(
            db,
            found.owner,
            site=SITE,
            email=person.email,
            relationship=relationship,
            groups=["family"],
        )
        circle.add_grant(
            db, found.owner, site=SITE, section="*", capability="manage", person=person.email
        )
    return found, dad, gran


HANDOVER_DAY = datetime(2026, 6, 26, 8, 0, tzinfo=UTC)


def test_before_the_day_nobody_sees_the_handover(grown):
    plan, _, _ = grown
    clock.freeze(HANDOVER_DAY - timedelta(days=1))
    # Within 60 days the young person is shown the way there; nobody else is told (#14).
    assert "Soon your plan is yours to control" in plan.client(plan.owner).get(f"/s/{SITE}").text
    for who in (plan.mum, plan.ben):
        assert "yours to control" not in plan.client(who).get(f"/s/{SITE}").text
    assert plan.client(plan.owner).get(f"/s/{SITE}/growing-up").status_code == 200
    refused = post_form(plan.client(plan.owner), f"/s/{SITE}/growing-up", {"choice:mo@example.org": "remove"},
                        page=f"/s/{SITE}/growing-up")  # fmt: skip
    assert refused.status_code == 422
    assert plan.client(plan.mum).get(f"/s/{SITE}/sharing").status_code == 200


def test_on_the_day_everyone_sees_the_banner_and_only_the_owner_gets_the_choice(grown):
    plan, dad, gran = grown
    clock.freeze(HANDOVER_DAY)
    owner_home = plan.client(plan.owner).get(f"/s/{SITE}").text
    assert (
        "Your plan is now yours to control" in owner_home and f"/s/{SITE}/growing-up" in owner_home
    )
    for who in (plan.mum, dad):  # stewards: their own words (issue #14)
        home = plan.client(who).get(f"/s/{SITE}").text
        assert "is now old enough to decide who manages this plan" in home
        assert "Choose who manages my plan" not in home and "yours to control" not in home
    for who in (plan.ben, plan.cara):  # everyone else: nothing, and no page
        home = plan.client(who).get(f"/s/{SITE}").text
        assert "old enough" not in home and "growing-up" not in home
        assert plan.client(who).get(f"/s/{SITE}/growing-up").status_code == 404
    choice = plan.client(plan.owner).get(f"/s/{SITE}/growing-up").text
    for steward in (plan.mum, dad, gran):
        for option in ("keep", "editor", "remove"):
            assert f'name="choice:{steward.email}" value="{option}"' in choice
    assert f"choice:{plan.ben.email}" not in choice
    assert (
        "can make this choice; nobody can make it for them"
        in plan.client(plan.mum).get(f"/s/{SITE}/growing-up").text
    )
    mum_tries = post_form(plan.client(plan.mum), f"/s/{SITE}/growing-up",
                          {"choice:mo@example.org": "keep", "choice:dev@example.org": "remove",
                           "choice:gwen@example.org": "remove"}, page=f"/s/{SITE}/growing-up")  # fmt: skip
    assert mum_tries.status_code == 403
    assert (
        plan.client(gran).get(f"/s/{SITE}/sharing").status_code == 200
    )  # until Ava decides, nothing changes


def test_keep_editor_and_remove_each_do_what_they_say_and_are_logged(grown):
    plan, dad, gran = grown
    clock.freeze(HANDOVER_DAY)
    owner = plan.client(plan.owner)
    incomplete = post_form(
        owner,
        f"/s/{SITE}/growing-up",
        {"choice:mo@example.org": "keep"},
        page=f"/s/{SITE}/growing-up",
    )
    assert incomplete.status_code == 422
    assert plan.client(gran).get(f"/s/{SITE}/sharing").status_code == 200

    done = post_form(owner, f"/s/{SITE}/growing-up", {
        f"choice:{plan.mum.email}": "keep", f"choice:{dad.email}": "editor", f"choice:{gran.email}": "remove",
    }, page=f"/s/{SITE}/growing-up")  # fmt: skip
    assert done.status_code == 303

    mum, dev, gwen = plan.client(plan.mum), plan.client(dad), plan.client(gran)
    assert mum.get(f"/s/{SITE}/sharing").status_code == 200  # kept as steward
    assert dev.get(f"/s/{SITE}/sharing").status_code == 403  # now an editor of everything
    assert dev.get(f"/s/{SITE}/health/medicines/edit").status_code == 200
    assert dev.get(f"/s/{SITE}/audit").status_code == 403
    assert gwen.get(f"/s/{SITE}").status_code == 404  # removed
    assert gwen.get(f"/s/{SITE}/about-me/profile").status_code == 404
    assert gran.email not in [m.email for m in circle.list_members(plan.db, plan.owner, site=SITE)]

    logged = {e.detail for e in plan.audit(action="change") if e.action == "take-control"}
    assert logged == {
        f"{plan.mum.email}: kept as steward",
        f"{dad.email}: now an editor",
        f"{gran.email}: removed",
    }
    assert (
        "Your plan is now yours to control" not in owner.get(f"/s/{SITE}").text
    )  # decided: the step is done
    assert "old enough" not in mum.get(f"/s/{SITE}").text


def test_a_steward_through_a_group_is_also_offered_for_review_at_handover(grown):
    """Manage on every section through a group ("family") makes a steward just as a personal
    grant does; the young person must be able to review them too."""
    plan, _, _ = grown
    circle.revoke_grant(
        plan.db, plan.owner, site=SITE, grant_id=plan.grant_id(person=plan.mum.email, section="*")
    )
    circle.add_grant(
        plan.db, plan.owner, site=SITE, section="*", capability="manage", group="family"
    )
    clock.freeze(HANDOVER_DAY)
    assert (
        plan.client(plan.mum).get(f"/s/{SITE}/sharing").status_code == 200
    )  # mum manages, through family
    choice = plan.client(plan.owner).get(f"/s/{SITE}/growing-up").text
    assert f'name="choice:{plan.mum.email}"' in choice, (
        "a steward through a group is left out of the review"
    )


# ---- nobody can take the plan from its owner --------------------------------------------------------


def test_a_steward_can_never_remove_the_owner(plan: Plan):
    mum = plan.client(plan.mum)
    assert share(mum, action="remove-member", email=plan.owner.email).status_code == 403
    assert plan.api(plan.mum).delete(f"/sites/{SITE}/members/{plan.owner.email}").status_code == 403
    owner = plan.client(plan.owner)
    assert owner.get(f"/s/{SITE}/sharing").status_code == 200
    assert load_site(plan.db, SITE).owner_id == plan.owner.user_id  # type: ignore[union-attr]


def test_a_steward_cannot_take_the_owner_out_through_the_matrix_or_grants(plan: Plan):
    mum_api = plan.api(plan.mum)
    # the owner holds no grant rows that could be revoked; a grant to them is refused
    refused = mum_api.post(
        f"/sites/{SITE}/grants",
        json={"person": plan.owner.email, "section": "*", "capability": "view"},
    )
    assert refused.status_code == 422
    assert plan.client(plan.owner).get(f"/s/{SITE}/health/medicines/edit").status_code == 200


def test_the_last_person_who_can_manage_cannot_remove_themselves(plan: Plan):
    owner = plan.client(plan.owner)
    mum_grant = plan.grant_id(person=plan.mum.email, section="*")
    assert (
        share(owner, action="revoke", grant=str(mum_grant)).status_code == 303
    )  # now Ava alone manages
    refused = share(owner, action="remove-member", email=plan.owner.email)
    assert refused.status_code == 403
    assert owner.get(f"/s/{SITE}/sharing").status_code == 200


def test_a_steward_may_step_down_while_the_owner_still_manages(plan: Plan):
    mum = plan.client(plan.mum)
    mum_grant = plan.grant_id(person=plan.mum.email, section="*")
    assert share(mum, action="revoke", grant=str(mum_grant)).status_code == 303
    assert mum.get(f"/s/{SITE}/sharing").status_code == 404  # mum's family group reads nothing here
    assert plan.client(plan.owner).get(f"/s/{SITE}/sharing").status_code == 200


# ---- in a real browser: share one section with one person in three steps ------------------------


DEMO_SITE = "rhys-marsden"
RHYS = ("rhys.marsden@example.org", "pickle-timetable-42")
SAMI = ("sami.haddad@example.org", "redstone-lantern-09")


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory: pytest.TempPathFactory):
    """A demo server of our own: this test changes the sharing, so it must not share a server."""
    server = start_server(Path(tmp_path_factory.mktemp("share-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)
    if server.process.stdout is not None:
        server.process.stdout.close()


def browser_sign_in(context, base: str, who: tuple[str, str]):
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#email", who[0])
    page.fill("#password", who[1])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(base + "/")
    return page


@pytest.mark.browser
def test_the_owner_shares_one_section_with_one_person_in_three_steps(browser, own_demo):
    from conftest import axe_violations

    base = own_demo.url
    owner_context, friend_context = browser.new_context(), browser.new_context()
    try:
        sami = browser_sign_in(friend_context, base, SAMI)
        before = sami.goto(f"{base}/s/{DEMO_SITE}/outcomes")
        assert before is not None and before.status == 404

        rhys = browser_sign_in(owner_context, base, RHYS)
        # 1. open the three steps; 2. choose the person, the part and what they can do
        rhys.goto(f"{base}/s/{DEMO_SITE}/sharing/new")
        assert axe_violations(rhys) == []
        rhys.get_by_label("Sami Haddad (best friend)").check()
        rhys.get_by_label("Outcomes", exact=True).check()
        rhys.get_by_label("Read it", exact=True).check()
        # 3. press Share
        rhys.get_by_role("button", name="Share", exact=True).click()
        rhys.wait_for_load_state()
        assert "Sami Haddad can now read Outcomes." in rhys.content()

        after = sami.goto(f"{base}/s/{DEMO_SITE}/outcomes")
        assert after is not None and after.status == 200
        assert sami.get_by_role("heading", level=1).inner_text() == "Outcomes"
        assert sami.get_by_role("link", name="My outcomes for 2026 to 2027").count() == 1
        budget = sami.goto(f"{base}/s/{DEMO_SITE}/budget")
        assert budget is not None and budget.status == 404

        rhys.goto(f"{base}/s/{DEMO_SITE}/audit")
        assert rhys.get_by_role("heading", level=1).count() == 1
        assert axe_violations(rhys) == []
        rhys.goto(f"{base}/s/{DEMO_SITE}/view-as/{SAMI[0]}")
        assert "Preview:" in rhys.content()
        assert axe_violations(rhys) == []
        rhys.goto(f"{base}/s/{DEMO_SITE}/view-as/{SAMI[0]}/outcomes")
        assert axe_violations(rhys) == []
    finally:
        owner_context.close()
        friend_context.close()
