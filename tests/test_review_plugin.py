"""The review checklist plugin: timeline rules, the Year 9 switch, and the flow (issue #6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import post_form

from plugins import _review_rules as rules
from plugins.review import new_review, read_review, review_body
from wiki import store
from wiki.store import circle


def test_invitations_and_advice_are_due_two_weeks_before_the_meeting() -> None:
    meeting = date(2027, 3, 17)  # a Wednesday
    review = new_review(meeting, "annual", None)
    due = {item.text.split(",")[0]: item.due for item in review.items}
    assert due["Invite everyone to the review"] == date(2027, 3, 3)
    assert review.items[1].due == date(2027, 3, 3)
    assert review.items[3].due == date(2027, 3, 31)  # report: two weeks after
    assert review.items[4].due == date(2027, 4, 14)  # council decision: four weeks after


@pytest.mark.parametrize(
    ("meeting", "days", "expected"),
    [
        (date(2027, 1, 31), 14, date(2027, 2, 15)),  # lands on Sunday 14 Feb: moves to Monday
        (date(2027, 3, 1), -14, date(2027, 2, 15)),  # Monday minus 14 is a Monday: unchanged
        (date(2027, 3, 14), -14, date(2027, 2, 26)),  # lands on Sunday 28 Feb: moves back to Friday
        (date(2028, 2, 15), 14, date(2028, 2, 29)),  # leap year month end
        (date(2027, 12, 20), 14, date(2028, 1, 3)),  # across the new year and the Christmas holiday
    ],
)
def test_due_dates_count_calendar_days_and_move_off_weekends_safely(
    meeting, days, expected
) -> None:
    assert rules.due_date(meeting, days) == expected
    assert expected.weekday() < 5


def test_year_group_follows_the_english_school_year() -> None:
    assert rules.school_year(date(2011, 3, 14), date(2026, 11, 23)) == 11
    assert rules.school_year(date(2011, 9, 1), date(2026, 11, 23)) == 10  # oldest in the year below
    assert rules.school_year(date(2011, 8, 31), date(2026, 11, 23)) == 11  # youngest in Year 11
    # Born June 2013: Reception from September 2017, so Year 9 from September 2026.
    assert rules.school_year(date(2013, 6, 1), date(2026, 7, 20)) == 8
    assert rules.school_year(date(2013, 6, 1), date(2026, 9, 1)) == 9


def test_preparing_for_adulthood_appears_from_year_9_only() -> None:
    born = date(2013, 6, 1)
    year8 = review_body(new_review(date(2026, 6, 1), "annual", born), born=born, name="Ola")
    year9 = review_body(new_review(date(2026, 10, 1), "annual", born), born=born, name="Ola")
    assert "Preparing for adulthood" not in year8
    assert "Preparing for adulthood" in year9
    for area in (
        "Employment",
        "Independent living",
        "Friends, relationships and community",
        "Good health",
    ):
        assert area in year9


def test_under_fives_are_reviewed_within_six_months_others_yearly() -> None:
    assert rules.next_review(date(2027, 1, 1), date(2023, 5, 1))[0] <= date(2027, 1, 1) + timedelta(
        days=183
    )
    assert rules.next_review(date(2027, 1, 1), date(2015, 5, 1))[0] == date(2028, 1, 1)


def test_the_young_persons_own_answers_come_first() -> None:
    body = review_body(new_review(date(2027, 3, 17), "annual", None), born=None, name="Ola")
    assert body.index("in their own words") < body.index("## What is working")


@pytest.fixture
def site(people, db):  # type: ignore[no-untyped-def]
    owner = people.add("Ola")
    worker = people.add("Sam")
    reader = people.add("Kit")
    store.create_site(db, owner, slug="ola", title="Ola's plan", date_of_birth="2012-01-10")
    for person in (worker, reader):
        circle.add_member(
            db, owner, site="ola", email=person.email, relationship="worker", groups=[]
        )
    circle.add_grant(
        db, owner, site="ola", section="reviews", capability="edit", person=worker.email
    )
    circle.add_grant(
        db, owner, site="ola", section="outcomes", capability="edit", person=worker.email
    )
    circle.add_grant(
        db, owner, site="ola", section="reviews", capability="view", person=reader.email
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="outcomes",
        page="bus",
        body="I can take the bus.",
        base_revision=None,
        title="I can take the bus",
        summary="First try on my own",
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="budget",
        page="money",
        body="Secret sum 4321.",
        base_revision=None,
        title="Money",
    )
    return owner, worker, reader


def test_social_worker_prepares_a_review_ticks_decides_and_closes(site, people, db) -> None:
    _owner, worker, _reader = site
    client = people.client(worker)
    started = post_form(
        client, "/s/ola/review/new", {"meeting": "2027-02-10", "kind": "annual"}, page="/s/ola"
    )
    assert started.status_code == 303
    url = started.headers["location"]
    dashboard = client.get(url)
    assert dashboard.status_code == 200
    assert "Invite everyone to the review" in dashboard.text
    assert "Preparing for adulthood" in dashboard.text  # born 2012: Year 9 from September 2025
    assert "I can take the bus" in dashboard.text
    assert (
        post_form(client, url, {"action": "tick", "item": "0", "done": "1"}, page=url).status_code
        == 303
    )
    assert (
        post_form(
            client, url, {"action": "decide", "outcome": "bus", "decision": "continue"}, page=url
        ).status_code
        == 303
    )
    review = read_review(
        store.get_page(db, worker, site="ola", section="reviews", page="annual-review-2027-02-10")[
            1
        ].body
    )
    assert review is not None and review.items[0].done and review.decisions == {"bus": "continue"}
    history = store.history(
        db, worker, site="ola", section="reviews", page="annual-review-2027-02-10"
    )[2]
    assert len(history) == 3  # started, ticked, decided: each a revision
    assert post_form(client, url, {"action": "close"}, page=url).status_code == 303
    refused = post_form(client, url, {"action": "tick", "item": "1", "done": "1"}, page=url)
    assert refused.status_code == 403


def test_overdue_items_show_plainly(site, people) -> None:
    _owner, worker, _ = site
    client = people.client(worker)
    url = post_form(client, "/s/ola/review/new", {"meeting": "2020-02-10"}, page="/s/ola").headers[
        "location"
    ]
    assert "Overdue:" in client.get(url).text


def test_a_reader_of_reviews_cannot_tick_or_start(site, people) -> None:
    owner, _, reader = site
    url = post_form(
        people.client(owner), "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola"
    ).headers["location"]
    client = people.client(reader)
    page = client.get(url)
    assert page.status_code == 200
    assert "Mark as done" not in page.text
    assert (
        post_form(client, url, {"action": "tick", "item": "0", "done": "1"}, page=url).status_code
        == 403
    )
    assert client.get("/s/ola/review/new").status_code == 403


def test_a_review_shows_only_outcomes_and_changes_the_viewer_may_see(site, people, db) -> None:
    owner, _, reader = site
    url = post_form(
        people.client(owner), "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola"
    ).headers["location"]
    page = people.client(reader).get(url)
    assert "I can take the bus" not in page.text  # reader has no view on outcomes
    assert "Money" not in page.text and "4321" not in page.text


def test_someone_outside_the_circle_gets_not_found(site, people) -> None:
    owner, *_ = site
    url = post_form(
        people.client(owner), "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola"
    ).headers["location"]
    stranger = people.client(people.add("Zed"))
    assert stranger.get(url).status_code == 404
    assert stranger.get("/s/ola/review/new").status_code == 404


def test_drafting_a_new_outcome_from_the_review_needs_edit_on_outcomes(site, people, db) -> None:
    _owner, worker, _ = site
    client = people.client(worker)
    url = post_form(client, "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola").headers[
        "location"
    ]
    made = post_form(
        client,
        url,
        {"action": "draft-outcome", "statement": "I can cook a meal for my family"},
        page=url,
    )
    assert made.status_code == 303
    pages = store.list_pages(db, worker, site="ola", section="outcomes")[1]
    assert any(p.title == "I can cook a meal for my family" for p in pages)
    bad = post_form(
        client, url, {"action": "draft-outcome", "statement": "Cookery lessons"}, page=url
    )
    assert bad.status_code == 422
