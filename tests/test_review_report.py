"""The review report that writes itself (issue #17), and the access grid extended to it.

On Rhys's demo plan: the report lists what changed since the October 2026 review, each
reader sees only what they may read (the report page, its editable draft, the saved page,
print and export), and the saved page copies no words from a section that some reader of
Reviews may not read. On a small plan: who counts as a reader of Reviews (people, groups,
time-limited grants, invitations, guest links) when the store decides what may be copied.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import csrf_of
from starlette.applications import Starlette
from starlette.testclient import TestClient
from test_access_grid import EXPECTED, PEOPLE, SECTIONS, leak_words

from plugins import _report_changes
from plugins._report_changes import Changes, NewPerson, OutcomeChange, PageChange, Spend
from plugins._report_words import easy_read, professional
from wiki import accounts, clock, demo, demo_content, store
from wiki.app import create_app
from wiki.db import Database
from wiki.errors import Forbidden, NotFound
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor
from wiki.settings import Settings
from wiki.store import audience, circle, invitations, links

SITE = demo_content.SITE["slug"]
REPORT = f"/s/{SITE}/-/review-report"


def _may_read(who: str, section: str) -> bool:
    return EXPECTED[who][section] != "none"


# The sections whose words may go into a saved report: read by everyone who reads Reviews.
READERS_OF_REVIEWS = [who for who in PEOPLE if _may_read(who, "reviews")]
COPYABLE = [s for s in SECTIONS if all(_may_read(who, s) for who in READERS_OF_REVIEWS)]


@dataclass
class Demo:
    app: Starlette
    db: Database
    clients: dict[str, TestClient]
    actors: dict[str, Actor]


@pytest.fixture(scope="module")
def rhys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    app = create_app(
        Settings(db=tmp_path_factory.mktemp("report") / "demo.db", synchronous="NORMAL")
    )
    db = app.state.db
    demo.load(db, files_dir=tmp_path_factory.mktemp("files"))
    clients, actors = {}, {}
    with contextlib.ExitStack() as stack:
        for who, (email, _password) in PEOPLE.items():
            user = accounts.find_user(db, email)
            assert user is not None
            actors[who] = Actor(user_id=user.id, email=user.email, name=user.name)
            client = stack.enter_context(TestClient(app, follow_redirects=False))
            client.cookies.set(SESSION_COOKIE, accounts.start_session(db, user, absolute_hours=24))
            clients[who] = client
        yield Demo(app, db, clients, actors)


def no_leaks(text: str, who: str, sections: list[str] | None = None) -> None:
    """No word that belongs only to a section this person may not read (or to ``sections``)."""
    low = html.unescape(text).lower()
    for section in sections or [s for s in SECTIONS if not _may_read(who, s)]:
        for word in leak_words(section):
            assert word not in low, f"{word!r} from {section} reached {who}"


def textareas(text: str) -> str:
    return " ".join(re.findall(r"<textarea[^>]*>(.*?)</textarea>", text, flags=re.S))


def test_the_demo_is_what_this_test_assumes():
    assert READERS_OF_REVIEWS == ["rhys", "claire", "jess", "priya", "daniel"]
    assert COPYABLE == ["about-me", "outcomes", "reviews"]


def test_the_report_lists_what_changed_since_the_october_2026_review(rhys: Demo):
    page = rhys.clients["daniel"].get(REPORT)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Since the review on 8 October 2026" in text
    assert "Annual review, 8 October 2026" in text
    assert "My one-page profile" in text and "Outcome: the bus to college on my own" in text
    assert "Progress recorded:" in text  # three progress notes on the bus outcome
    assert "Budget spent since 8 October 2026" in text  # Daniel may read the budget
    assert "Evening lamotrigine dose increased" in text  # and health


@pytest.mark.parametrize("who", list(PEOPLE))
def test_each_reader_sees_only_what_they_may_read_on_the_report_page(rhys: Demo, who: str):
    page = rhys.clients[who].get(REPORT)
    if not _may_read(who, "reviews"):
        assert page.status_code == 404
        return
    assert page.status_code == 200
    no_leaks(page.text, who)
    if not _may_read(who, "budget"):
        assert "Budget spent" not in page.text
    # The editable draft holds only words every reader of Reviews may read, whoever writes it.
    no_leaks(textareas(page.text), who, [s for s in SECTIONS if s not in COPYABLE])


def test_only_people_who_may_run_a_review_get_the_form_and_may_save(rhys: Demo):
    jess = rhys.clients["jess"]
    page = jess.get(REPORT)
    assert "<textarea" not in page.text and "Write the review report" not in page.text
    refused = jess.post(
        REPORT, data={"title": "x", "easy": "x", "pro": "x", "csrftoken": csrf_of(page.text)}
    )
    assert refused.status_code == 403


def _save(rhys: Demo, who: str, **change: str) -> str:
    client = rhys.clients[who]
    page = client.get(REPORT)
    title = html.unescape(re.search(r'id="title"[^>]*value="([^"]*)"', page.text).group(1))  # type: ignore[union-attr]
    easy, pro = (
        html.unescape(t) for t in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page.text, re.S)
    )
    data = {"title": title, "easy": easy, "pro": pro, **change, "csrftoken": csrf_of(page.text)}
    saved = client.post(REPORT, data=data)
    assert saved.status_code == 303, saved.text
    return str(saved.headers["location"])


def test_a_saved_report_is_an_ordinary_page_that_reaches_no_one_it_should_not(rhys: Demo):
    where = _save(rhys, "daniel")  # Daniel reads every section, Jess and Priya read Reviews
    assert where.startswith(f"/s/{SITE}/reviews/review-report-")
    slug = where.rsplit("/", 1)[1]
    saved = store.get_page(rhys.db, rhys.actors["rhys"], site=SITE, section="reviews", page=slug)[1]
    assert saved.revision == 1
    assert "## What changed (easy read)" in saved.body and "## Professional summary" in saved.body
    assert "Rhys's last review was on 8 October 2026." in saved.body
    no_leaks(saved.body, "rhys", [s for s in SECTIONS if s not in COPYABLE])
    assert "left out on purpose" in saved.html
    for who, client in rhys.clients.items():
        page = client.get(where)
        assert page.status_code == (200 if _may_read(who, "reviews") else 404)
        no_leaks(page.text, who)
        printed = client.get(f"/s/{SITE}/-/print/reviews")
        assert printed.status_code == (200 if _may_read(who, "reviews") else 404)
        no_leaks(printed.text, who)
        if _may_read(who, "reviews"):
            assert saved.title in html.unescape(printed.text)
        exported = client.get(f"/s/{SITE}/export.zip")
        assert exported.status_code == 200
        with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
            words = " ".join(archive.read(n).decode(errors="replace") for n in archive.namelist())
        no_leaks(words, who)
        assert ("What changed (easy read)" in words) == _may_read(who, "reviews")


def test_a_second_report_on_the_same_day_gets_its_own_page(rhys: Demo):
    first = _save(rhys, "claire", easy="Rhys did the bus on his own.")
    second = _save(rhys, "claire")
    assert first != second
    assert re.search(r"-\d$", second)


def test_a_report_with_nothing_written_is_sent_back_with_a_message(rhys: Demo):
    client = rhys.clients["daniel"]
    token = csrf_of(client.get(REPORT).text)
    answer = client.post(
        REPORT, data={"title": "Report", "easy": " ", "pro": "x", "csrftoken": token}
    )
    assert answer.status_code == 422
    assert "Write the easy-read summary" in answer.text


def test_a_review_page_links_to_the_report_and_a_report_is_never_a_review(rhys: Demo):
    page = rhys.clients["jess"].get(f"/s/{SITE}/reviews/annual-review-2026")
    assert f"{REPORT}?since=annual-review-2026" in html.unescape(page.text)
    checklist = rhys.clients["jess"].get(f"/s/{SITE}/reviews/next-review-checklist")
    assert "review-report" not in checklist.text


# ---- the words ------------------------------------------------------------------------------


def test_the_summaries_say_each_kind_of_change_plainly():
    review = _report_changes.EarlierReview(
        page=None,  # type: ignore[arg-type]
        held=date(2026, 10, 8),
        written="2026-10-09T10:00:00+00:00",
    )
    review.page = type("P", (), {"title": "Annual review, 8 October 2026"})()
    one = frozenset({"outcomes"})
    changes = Changes(review, date(2026, 12, 3),
        pages=[PageChange(one, "Outcomes", "outcomes", "bus", "The bus", False, 2, ["Progress note"])],
        outcomes=[OutcomeChange(one, "added", "I swim 1 km", "7"), OutcomeChange(one, "achieved", "I cook a meal", "3"),
                  OutcomeChange(one, "dropped", "I join the choir", "8")],
        spending=[Spend(frozenset({"budget"}), "Outcome 1", __import__("decimal").Decimal("450"), 2)],
        people=[NewPerson(frozenset({"circle"}), "Ana", "swimming coach")],
    )  # fmt: skip
    easy = easy_read(changes, "Rhys")
    assert "Rhys's last review was on 8 October 2026." in easy
    assert "New goal: “I swim 1 km”." in easy and "Done! “I cook a meal”." in easy
    assert "We stopped working on “I join the choir”." in easy
    assert (
        "£450.00 was for goal 1." in easy and "New in Rhys's circle: Ana (swimming coach)." in easy
    )
    # Short sentences: no line of the easy-read summary is longer than 25 words.
    assert max(len(line.split()) for line in easy.splitlines()) <= 25
    pro = professional(changes, "Rhys")
    assert "### Outcomes" in pro and "- Achieved: “I cook a meal”" in pro
    assert "- Outcome 1: £450.00 (2 payments)" in pro and "- Ana, swimming coach" in pro
    kept = changes.only({"outcomes"})
    assert kept.spending == [] and kept.people == [] and len(kept.outcomes) == 3


@pytest.mark.parametrize(
    ("title", "slug", "held"),
    [
        ("Annual review, 8 October 2026", "annual-review-2026", date(2026, 10, 8)),
        ("Budget review 3 March 2027", "budget-review-2027-03-03", date(2027, 3, 3)),
        ("Review meeting", "annual-review-2025-11-30", date(2025, 11, 30)),
        ("Review checklist for this year", "next-review-checklist", None),
        ("Working and not working", "working-not-working", None),
        ("Annual review, 31 February 2026", "x", None),
    ],
)
def test_earlier_reviews_are_found_by_their_date(title: str, slug: str, held: date | None):
    page = type("P", (), {"title": title, "slug": slug, "body": "Notes."})()
    assert _report_changes.review_date(page) == held


# ---- who counts as a reader of Reviews (a small plan) ---------------------------------------


@pytest.fixture
def small(app, db, people):
    owner, mum, nan = people.add("Owner"), people.add("Mum"), people.add("Nan")
    store.create_site(db, owner, slug="ava", title="Ava's plan")
    # a new plan has the usual circle groups (family, friends, school …)
    for who in (mum, nan):
        circle.add_member(db, owner, site="ava", email=who.email, groups=["family"])
    circle.add_grant(db, owner, site="ava", section="*", capability="manage", person=mum.email)
    for section in ("reviews", "outcomes", "budget"):
        circle.add_grant(db, owner, site="ava", section=section, capability="view", group="family")
    return db, owner, mum, nan


def _safe(db, who) -> list[str]:
    return audience.safe_to_copy_into(db, who, site="ava", into="reviews")


def test_a_section_read_by_every_reader_of_reviews_may_be_copied(small):
    db, owner, _mum, _nan = small
    assert set(_safe(db, owner)) >= {"reviews", "outcomes", "budget"}
    assert "health" not in _safe(db, owner)  # nobody but the owner and the steward reads it


def test_a_grant_that_ends_sooner_than_reviews_access_makes_a_section_unsafe(small):
    db, owner, _mum, nan = small
    soon = clock.iso(datetime.now(UTC) + timedelta(days=3))
    circle.add_grant(
        db,
        owner,
        site="ava",
        section="health",
        capability="view",
        person=nan.email,
        expires_at=soon,
    )
    circle.add_grant(
        db, owner, site="ava", section="education", capability="view", person=nan.email
    )
    safe = _safe(db, owner)
    assert "health" not in safe  # Nan reads Reviews for ever, Health for three days
    assert "education" in safe  # and Education for ever


def test_an_invitation_or_a_guest_link_on_reviews_counts_as_a_reader(small):
    db, owner, _mum, _nan = small
    invitations.create_invitation(db, owner, site="ava", email="new@example.org",
                            grants=[{"section": "reviews", "capability": "view"}])  # fmt: skip
    assert _safe(db, owner) == ["reviews"]  # the newcomer would read Reviews and nothing else
    links.create_guest_link(db, owner, site="ava", section="reviews")
    assert _safe(db, owner) == ["reviews"]


def test_only_people_who_may_write_in_reviews_may_ask(small):
    db, _owner, _mum, nan = small
    with pytest.raises(Forbidden):
        _safe(db, nan)
    with pytest.raises(NotFound):
        audience.safe_to_copy_into(db, nan, site="ava", into="health")


def test_a_plan_without_an_earlier_review_says_there_is_nothing_to_compare(small, people):
    _db, owner, _mum, _nan = small
    client = people.client(owner)
    page = client.get("/s/ava/-/review-report")
    assert page.status_code == 200
    assert "There is no earlier review to compare with." in page.text
    assert "We could not find an earlier review of Ava's plan." in html.unescape(
        textareas(page.text)
    )


def test_the_report_can_start_from_a_chosen_earlier_review(small, people):
    db, owner, _mum, _nan = small
    for slug, title in [("annual-review-2025", "Annual review, 2 October 2025"),
                        ("annual-review-2026", "Annual review, 8 October 2026")]:  # fmt: skip
        store.save_page(db, owner, site="ava", section="reviews", page=slug, body="Notes.\n",
                        base_revision=None, title=title)  # fmt: skip
    client = people.client(owner)
    assert "Since the review on 8 October 2026" in client.get("/s/ava/-/review-report").text
    chosen = client.get("/s/ava/-/review-report?since=annual-review-2025").text
    assert "Since the review on 2 October 2025" in chosen


def test_words_from_a_left_out_section_typed_in_by_hand_are_pointed_out_before_saving(rhys: Demo):
    client = rhys.clients["daniel"]
    page = client.get(REPORT)
    pasted = (
        "Evening lamotrigine dose increased after clinic on 12 November"  # shown to Daniel above
    )
    assert pasted in html.unescape(page.text)
    data = {"title": "Report", "easy": "Rhys is doing well.", "pro": f"Budget: {pasted}.",
            "csrftoken": csrf_of(page.text)}  # fmt: skip
    warned = client.post(REPORT, data=data)
    assert warned.status_code == 422
    assert "from Health, which some people who can read Reviews may not read" in html.unescape(
        warned.text
    )
    assert 'name="checked"' in warned.text
    before = len(store.list_pages(rhys.db, rhys.actors["rhys"], site=SITE, section="reviews")[1])
    saved = client.post(
        REPORT, data={**data, "checked": "yes"}
    )  # the author's own, informed choice
    assert saved.status_code == 303
    assert (
        len(store.list_pages(rhys.db, rhys.actors["rhys"], site=SITE, section="reviews")[1])
        == before + 1
    )
