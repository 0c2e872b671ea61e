"""The end of compulsory school age tells how old the young person is (issue #25).

Only the young person and their stewards may know that (the growing-up page is not found for
anyone else). A review's checklist is a page every reader of Reviews reads — on the review
dashboard, in print, in the EHC plan view and in the API's page body — so the date is never
written into it, whoever starts the review.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import post_form

from plugins import _deadlines as law
from plugins._deadlines import Facts
from wiki import accounts, store
from wiki.store import circle

BORN = "2012-01-10"  # the end of compulsory school age: Friday 30 June 2028
MEETING = "2028-01-20"
AGE_WORDS = ("compulsory school age", "30 June 2028", "turns 16")


def test_the_law_table_knows_the_date_but_the_checklist_leaves_it_out() -> None:
    facts = Facts(date(2028, 1, 20), name="Ola", born=date(2012, 1, 10))
    assert "end-of-school-age" in {d.key for d in law.for_review(facts, personal=True)}
    assert "end-of-school-age" not in {d.key for d in law.for_review(facts)}


@pytest.fixture
def plan(people, db):
    """Ola's plan: Sam (social worker) may run reviews, Kit may read them, Mo is a steward."""
    ola, sam, kit, mo = (people.add(n) for n in ("Ola", "Sam", "Kit", "Mo"))
    store.create_site(db, ola, slug="ola", title="Ola's plan", date_of_birth=BORN)
    for person in (sam, kit, mo):
        circle.add_member(db, ola, site="ola", email=person.email, relationship="x", groups=[])
    circle.add_grant(db, ola, site="ola", section="reviews", capability="edit", person=sam.email)
    circle.add_grant(db, ola, site="ola", section="reviews", capability="view", person=kit.email)
    circle.add_grant(db, ola, site="ola", section="*", capability="manage", person=mo.email)
    return ola, sam, kit, mo


@pytest.mark.parametrize("starter", ["Sam", "Mo", "Ola"])
def test_a_reader_of_reviews_never_learns_the_young_persons_age_from_a_review(
    plan, people, db, starter
):
    ola, sam, kit, mo = plan
    who = {"Sam": sam, "Mo": mo, "Ola": ola}[starter]
    client = people.client(who)
    started = post_form(
        client, "/s/ola/review/new", {"meeting": MEETING, "kind": "annual"}, page="/s/ola"
    )
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    page_slug = url.rsplit("/", 1)[-1]
    reader = people.client(kit)
    token = accounts.create_token(db, accounts.find_user(db, kit.email))  # type: ignore[arg-type]
    answers = {
        "dashboard": reader.get(url),
        "page": reader.get(f"/s/ola/reviews/{page_slug}"),
        "print": reader.get(f"/s/ola/reviews/{page_slug}?print=1"),
        "ehc plan": reader.get("/s/ola/ehc-plan"),
        "api": people.client().get(
            f"/api/v1/sites/ola/pages/reviews/{page_slug}",
            headers={"authorization": f"Bearer {token}"},
        ),
    }
    assert answers["dashboard"].status_code == 200
    assert "Invite everyone to the review" in answers["dashboard"].text  # the checklist is there
    for door, response in answers.items():
        for words in AGE_WORDS:
            assert words not in response.text, f"{words!r} reached Kit through the {door}"
    # The young person and the stewards still know the day, on the growing-up page.
    assert reader.get("/s/ola/growing-up").status_code == 404
    assert "30 June 2028" in people.client(mo).get("/s/ola/growing-up").text
