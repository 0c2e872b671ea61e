"""Who runs my review? (issue #23), on the demo plan, from both sides.

Priya (the SENCO) may read Reviews but not run the review: she is told, in plain words,
that she needs to change Reviews and Outcomes and who can give her that — on the page and
when she tries — never a bare refusal. Rhys asks her to run it in two steps from his plan's
home; that grants edit on Reviews and Outcomes to her alone, through the sharing store,
ending when the review's last step is due (14 April 2027); then she can run it. Only the
young person and stewards are offered the question or may open it.
"""

from __future__ import annotations

import re

import pytest
from conftest import csrf_of, sign_in
from starlette.testclient import TestClient

from wiki import demo
from wiki.demo_content import CIRCLE, OWNER, SITE

S = f"/s/{SITE['slug']}"
REVIEW = f"{S}/review/early-review-2027-01-20"
PEOPLE = {p["relationship"]: p for p in CIRCLE}
MISSING = (
    "You can read this review, but you cannot run it yet. To run it, you need to be able to"
    " change Reviews and Outcomes. Rhys, or the people who help Rhys manage the plan, can give"
    " you this: on the plan's home they choose “Who runs my review?”."
)


def client_for(app, person: dict[str, str]) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    sign_in(client, person["email"], person["password"])
    return client


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'")


@pytest.fixture
def plan(app, db, settings):
    demo.load(db, files_dir=settings.files_path())
    return app


def tick(client: TestClient) -> int:
    token = csrf_of(client.get(REVIEW).text)
    got = client.post(
        REVIEW, data={"csrftoken": token, "action": "tick", "item": "invite", "done": "1"}
    )
    return got.status_code


def test_senco_who_cannot_run_the_review_is_told_what_is_missing_and_who_can_give_it(plan) -> None:
    priya = client_for(plan, PEOPLE["SENCO"])
    page = priya.get(REVIEW)
    assert page.status_code == 200
    assert MISSING in text_of(page.text)
    token = csrf_of(page.text)
    refused = priya.post(
        REVIEW, data={"csrftoken": token, "action": "tick", "item": "invite", "done": "1"}
    )
    assert refused.status_code == 403
    assert MISSING in text_of(refused.text)
    started = priya.get(f"{S}/review/new")
    assert started.status_code == 403 and MISSING in text_of(started.text)


def test_rhys_asks_priya_to_run_the_review_in_two_steps_and_she_can(plan) -> None:
    rhys = client_for(plan, OWNER)
    home = rhys.get(S).text
    assert "Next review: 20 January 2027." in text_of(home)
    assert f'href="{S}/-/review-runner">Who runs my review?</a>' in home  # step 1
    form = rhys.get(f"{S}/-/review-runner")
    assert "They can change Reviews and Outcomes until 14 April 2027" in text_of(form.text)
    asked = rhys.post(f"{S}/-/review-runner", data={
        "csrftoken": csrf_of(form.text), "person": PEOPLE["SENCO"]["email"]})  # step 2  # fmt: skip
    assert asked.status_code == 303
    assert "Priya Desai can now run the review until 14 April 2027." in text_of(
        rhys.get(asked.headers["location"]).text
    )
    grants = [g for g in rhys.get(f"/api/v1/sites/{SITE['slug']}/grants").json()
              if g["person"] == PEOPLE["SENCO"]["email"]]  # fmt: skip
    assert sorted((g["section"], g["capability"], g["expires_at"][:10]) for g in grants) == [
        ("outcomes", "edit", "2027-04-14"),
        ("reviews", "edit", "2027-04-14"),
    ]
    again = rhys.post(f"{S}/-/review-runner", data={
        "csrftoken": csrf_of(form.text), "person": PEOPLE["SENCO"]["email"]})  # fmt: skip
    assert again.status_code == 303  # asking twice adds nothing
    assert len([g for g in rhys.get(f"/api/v1/sites/{SITE['slug']}/grants").json()
                if g["person"] == PEOPLE["SENCO"]["email"]]) == 2  # fmt: skip
    priya = client_for(plan, PEOPLE["SENCO"])
    page = priya.get(REVIEW).text
    assert MISSING not in text_of(page)
    assert 'name="decision' in page  # she can decide about the outcomes
    assert tick(priya) == 303
    # Nobody else was given anything.
    assert tick(client_for(plan, PEOPLE["sister"])) == 403


@pytest.mark.parametrize("who", ["SENCO", "social worker", "sister"])
def test_only_the_young_person_and_stewards_may_choose_who_runs_the_review(plan, who) -> None:
    person = client_for(plan, PEOPLE[who])
    assert "Who runs my review?" not in person.get(S).text
    assert person.get(f"{S}/-/review-runner").status_code == 403
    mum = client_for(plan, PEOPLE["mum"])  # a steward
    assert "Who runs my review?" in mum.get(S).text
    assert mum.get(f"{S}/-/review-runner").status_code == 200


def test_the_next_review_date_shows_only_to_readers_of_reviews(plan) -> None:
    assert "Next review: 20 January 2027." in text_of(
        client_for(plan, PEOPLE["sister"]).get(S).text
    )
    for who in ("best friend", "personal assistant"):  # no Reviews for them
        assert "Next review" not in client_for(plan, PEOPLE[who]).get(S).text, who


def test_report_decisions_reach_only_readers_of_the_outcomes(plan, db) -> None:
    """A decision copied into the report is read by whoever may read the outcome, and no one
    else: Jess (Reviews and Outcomes) finds it; Helen, given Reviews alone, does not."""
    from wiki.store import circle

    daniel = client_for(plan, PEOPLE["social worker"])  # may run the review
    page = daniel.get(REVIEW).text
    key = re.search(r'name="key-0" value="([^"]+)"', page)
    statement = re.search(r'name="statement-0" value="([^"]+)"', page)
    assert key and statement
    saved = daniel.post(REVIEW, data={
        "csrftoken": csrf_of(page), "action": "decide-outcomes", "key-0": key.group(1),
        "statement-0": statement.group(1).replace("&#39;", "'"), "decision-0": "partly",
        "note-0": "Kestrel note about the bus."})  # fmt: skip
    assert saved.status_code == 303, saved.text[:500]
    jess = client_for(plan, PEOPLE["sister"]).get(f"{S}/-/review-report").text
    assert "Decisions about each outcome" in jess and "Kestrel note about the bus." in jess
    from wiki import accounts
    from wiki.models import Actor

    owner = accounts.find_user(db, OWNER["email"])
    assert owner is not None
    rhys = Actor(user_id=owner.id, email=owner.email, name=owner.name)
    circle.add_grant(db, rhys, site=SITE["slug"], section="reviews", capability="view",
                     person=PEOPLE["epilepsy nurse"]["email"])  # fmt: skip
    helen = client_for(plan, PEOPLE["epilepsy nurse"]).get(f"{S}/-/review-report")
    assert helen.status_code == 200
    assert "Kestrel note" not in helen.text and "Decisions about each outcome" not in helen.text
    # …and the report Daniel may save in Reviews, which Helen reads, leaves it out.
    draft = daniel.get(f"{S}/-/review-report").text
    assert "Kestrel note" in draft.split('id="write-report"')[0]  # Daniel reads it himself
    assert "Kestrel note" not in draft.split('id="write-report"')[1]  # not in what is saved


def test_rhys_with_easy_read_on_is_asked_in_easy_words(plan, db) -> None:
    """The page a young person meets speaks easy read once they chose it (issue #23)."""
    from wiki import accounts
    from wiki.models import Actor, Preferences
    from wiki.templates import available_themes

    user = accounts.find_user(db, OWNER["email"])
    assert user is not None
    rhys = Actor(user_id=user.id, email=user.email, name=user.name)
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    said = text_of(client_for(plan, OWNER).get(f"{S}/-/review-runner").text)
    assert "Who runs my plan meeting?" in said and "Let them run it" in said
    assert "review's last step" not in said
