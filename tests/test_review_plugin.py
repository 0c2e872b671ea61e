"""The review checklist plugin: timeline rules, the Year 9 switch, and the flow (issue #6)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import post_form, sign_in
from starlette.testclient import TestClient

from plugins._deadlines import Facts
from plugins._review_model import Review, ReviewItem, new_review, read_review, refresh, review_body
from wiki import demo, store
from wiki.demo_content import CIRCLE, OWNER, SITE
from wiki.store import circle


def test_a_new_review_takes_its_dates_from_the_law() -> None:
    review = new_review(Facts(date(2027, 3, 17)))  # a Wednesday
    due = {item.key: item.due for item in review.items}
    assert due["invite"] == due["advice"] == date(2027, 3, 3)
    assert due["report"] == date(2027, 3, 31)  # two weeks after
    assert due["decision"] == date(2027, 4, 14)  # four weeks after
    assert all(item.why and item.source for item in review.items)


def test_preparing_for_adulthood_appears_from_year_9_only() -> None:
    born = date(2013, 6, 1)
    year8 = Facts(date(2026, 6, 1), born=born)
    year9 = Facts(date(2026, 10, 1), born=born)
    body8 = review_body(new_review(year8), year=year8.year, name="Ola")
    body9 = review_body(new_review(year9), year=year9.year, name="Ola")
    assert "Preparing for adulthood" not in body8
    assert "Preparing for adulthood" in body9
    for area in (
        "Employment",
        "Independent living",
        "Friends, relationships and community",
        "Good health",
    ):
        assert area in body9


def test_a_review_started_before_the_law_table_keeps_its_ticks_without_doubling_lines() -> None:
    old = Review(
        meeting=date(2027, 3, 17),
        items=[
            ReviewItem(
                text="Invite everyone to the review, with at least two weeks' notice", done=True
            ),
            ReviewItem(text="Hold the review meeting"),
            ReviewItem(text="Bring the photos", due=date(2027, 3, 10)),  # another plugin's item
        ],
    )
    fresh = refresh(old, Facts(date(2027, 3, 17)))
    keys = [i.key for i in fresh.items]
    assert keys.count("invite") == 1 and keys.count("meeting") == 1
    assert next(i for i in fresh.items if i.key == "invite").done
    assert any(i.text == "Bring the photos" for i in fresh.items)


def test_the_young_persons_own_answers_come_first() -> None:
    body = review_body(new_review(Facts(date(2027, 3, 17))), year=None, name="Ola")
    assert body.index("in their own words") < body.index("## What is working")


OUTCOMES = """Two outcomes on one page.

```outcome
ref: 1
outcome: I can take the bus
area: independent living
by_when: 2027-09-01
```

```outcome
ref: 2
outcome: I cook a meal once a week
area: independent living
by_when: 2027-07-31
reviews:
- date: 2026-02-10
  decision: not yet
  review: annual-review-2026-02-10
```
"""


@pytest.fixture
def site(people, db):
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
        body=OUTCOMES,
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
        post_form(
            client, url, {"action": "tick", "item": "invite", "done": "1"}, page=url
        ).status_code
        == 303
    )
    review = read_review(
        store.get_page(db, worker, site="ola", section="reviews", page="annual-review-2027-02-10")[
            1
        ].body
    )
    assert review is not None and review.items[0].done and review.items[0].key == "invite"
    history = store.history(
        db, worker, site="ola", section="reviews", page="annual-review-2027-02-10"
    )[2]
    assert len(history) == 2  # started, ticked: each a revision
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


def _decide(client, url: str, n: int, statement: str, **fields: str):
    """One outcome's fields on the review's one form (issue #23: every outcome, one save)."""
    named = {k.replace("evidence-", "evidence-0-") if k.startswith("evidence-") else f"{k}-0": v
             for k, v in fields.items()}  # fmt: skip
    data = {"action": "decide-outcomes", "key-0": f"outcomes/bus/{n}", "statement-0": statement,
            **named}  # fmt: skip
    return post_form(client, url, data, page=url)


def _outcomes(db, actor):
    from plugins.blocks import BLOCKS
    from plugins.plan_views import outcomes_in

    found, _ = outcomes_in(
        [store.get_page(db, actor, site="ola", section="outcomes", page="bus")[1]]
    )
    assert len(found) == 2 and BLOCKS
    return [o.model for o in found]


def test_each_outcome_gets_its_own_decision_saved_in_its_own_block(site, people, db) -> None:
    _owner, worker, _ = site
    client = people.client(worker)
    url = post_form(client, "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola").headers[
        "location"
    ]
    page = client.get(url).text
    assert page.count('name="decision-') == 8  # four choices for each of the two outcomes
    decisions = page.split('id="outcomes"')[1].split('value="draft-outcome"')[0]
    assert (
        decisions.count("<form") == 2 and decisions.count('type="submit"') == 1
    )  # one save (and the draft form opening)
    assert (
        " checked" not in page.split('id="outcomes"')[1].split("Draft a new outcome")[0]
    )  # no default
    saved = _decide(client, url, 1, "I cook a meal once a week", decision="partly", note="Pasta twice.",
                    **{"evidence-001": "[Page: I can take the bus](/s/ola/outcomes/bus)"})  # fmt: skip
    assert saved.status_code == 303
    bus, cook = _outcomes(db, worker)
    assert bus.reviews == []  # the other outcome on the same page is untouched
    assert [(r.decision, r.review) for r in cook.decided] == [
        ("not yet", "annual-review-2026-02-10"),
        ("partly", "annual-review-2027-02-10"),
    ]
    assert cook.trend == "not yet → partly"
    assert cook.decided[-1].note == "Pasta twice."
    assert cook.decided[-1].evidence == ["[Page: I can take the bus](/s/ola/outcomes/bus)"]
    history = store.history(db, worker, site="ola", section="outcomes", page="bus")[2]
    assert history[0].summary == "Review on 10 February 2027: outcome 2 partly"
    # Deciding again at the same review replaces that review's decision, not the earlier one.
    assert (
        _decide(client, url, 1, "I cook a meal once a week", decision="achieved").status_code == 303
    )
    assert _outcomes(db, worker)[1].trend == "not yet → achieved"
    board = client.get("/s/ola/outcomes/-/board").text
    assert "Not yet → achieved" in board


def test_a_decision_with_nothing_chosen_is_refused_and_nothing_is_lost(site, people, db) -> None:
    _owner, worker, _ = site
    client = people.client(worker)
    url = post_form(client, "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola").headers[
        "location"
    ]
    before = store.get_page(db, worker, site="ola", section="outcomes", page="bus")[1].revision
    refused = _decide(client, url, 0, "I can take the bus", note="Did the 42 alone on Tuesday.",
                      other="Tom's text message")  # fmt: skip
    assert refused.status_code == 422
    assert "Choose a decision for this outcome" in refused.text
    assert (
        "Did the 42 alone on Tuesday." in refused.text and "Tom&#39;s text message" in refused.text
    )
    assert (
        store.get_page(db, worker, site="ola", section="outcomes", page="bus")[1].revision == before
    )
    odd = _decide(
        client, url, 0, "I can take the bus", decision="continue"
    )  # the old whole-page choice
    assert odd.status_code == 422


def test_deciding_needs_edit_on_the_outcome_and_an_open_review(site, people, db) -> None:
    owner, worker, reader = site
    url = post_form(
        people.client(owner), "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola"
    ).headers["location"]
    assert (
        _decide(
            people.client(reader), url, 0, "I can take the bus", decision="achieved"
        ).status_code
        == 403
    )
    stale = _decide(people.client(worker), url, 0, "I can take the train", decision="achieved")
    assert stale.status_code == 409  # the outcome changed: nothing saved on the wrong outcome
    post_form(people.client(worker), url, {"action": "close"}, page=url)
    assert (
        _decide(
            people.client(worker), url, 0, "I can take the bus", decision="achieved"
        ).status_code
        == 403
    )


def test_earlier_reviews_are_found_and_counted(site, people, db) -> None:
    owner, worker, _ = site
    store.save_page(db, owner, site="ola", section="reviews", page="review-2026", body="Notes from the meeting.",
                    base_revision=None, title="Annual review, 8 October 2026")  # fmt: skip
    client = people.client(worker)
    url = post_form(client, "/s/ola/review/new", {"meeting": "2027-02-10"}, page="/s/ola").headers[
        "location"
    ]
    page = client.get(url).text
    assert "This is review 2 in the plan" in page and "the last one was on 8 October 2026" in page
    assert "first review" not in page


def test_rhys_demo_review_shows_the_31_march_deadline_and_counts_october(app, db, people) -> None:
    demo.load(db)
    url = f"/s/{SITE['slug']}/review/early-review-2027-01-20"
    daniel = next(p for p in CIRCLE if p["relationship"] == "social worker")
    claire = next(p for p in CIRCLE if p["relationship"] == "mum")
    for who in (OWNER, daniel, claire):
        with TestClient(app, follow_redirects=False) as client:
            sign_in(client, who["email"], who["password"])
            page = client.get(url)
            assert page.status_code == 200, who["name"]
            text = page.text
            assert "By 31 March 2027" in text
            assert "Rhys moves from secondary school to a post-16 place in 2027" in text
            assert "regulation 18" in text
            assert "This is review 2 in the plan" in text and "8 October 2026" in text
            assert "first review" not in text
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, daniel["email"], daniel["password"])
        text = client.get(url).text
        assert text.count("<legend>Decision for outcome") == 6  # one for each of his six outcomes
        board = client.get(f"/s/{SITE['slug']}/outcomes/-/board").text
        assert "Not yet → partly" in board
