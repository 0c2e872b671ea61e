"""The plan home about the person and the welcome (issue #16), from both sides: who may
change the young person's line and photo, who gets the photo, and each person's welcome,
put away and found again, by the young person, a steward, an editor who does not manage,
a reader of everything, a reader of one part, and a guest-link reader."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from conftest import People, csrf_of
from starlette.testclient import TestClient

from wiki import clock, store
from wiki.db import Database
from wiki.demo import bus_picture
from wiki.errors import Forbidden
from wiki.models import Actor
from wiki.store import circle, files, introduction, links

SITE = "ava"
HOME = f"/s/{SITE}"
INTRO = f"{HOME}/-/introduction"
WELCOME = f"{HOME}/-/welcome"


@dataclass
class Plan:
    people: People
    db: Database
    owner: Actor
    mum: Actor  # a steward: manage on every part
    gran: Actor  # edits About me, manages nothing
    teacher: Actor  # reads every part
    nurse: Actor  # reads Health only
    photo_key: str  # a photo on About me
    health_photo_key: str  # a photo on Health

    def client(self, who: Actor | None = None) -> TestClient:
        return self.people.client(who)


@pytest.fixture
def plan(people: People, db, settings) -> Plan:
    owner, mum, gran = people.add("Ava"), people.add("Mum"), people.add("Gran")
    teacher, nurse = people.add("Teacher"), people.add("Nurse")
    store.create_site(db, owner, slug=SITE, title="Ava's plan")
    for who, relationship in ((mum, "mum"), (gran, "gran"), (teacher, "teacher"), (nurse, "nurse")):
        circle.add_member(db, owner, site=SITE, email=who.email, relationship=relationship)
    circle.add_grant(db, owner, site=SITE, section="*", capability="manage", person=mum.email)
    circle.add_grant(db, owner, site=SITE, section="about-me", capability="edit", person=gran.email)
    circle.add_grant(db, owner, site=SITE, section="*", capability="view", person=teacher.email)
    circle.add_grant(db, owner, site=SITE, section="health", capability="view", person=nurse.email)
    store.save_page(db, owner, site=SITE, section="about-me", page="hello", body="Hello",
                    base_revision=None, summary="", title="Hello")  # fmt: skip
    store.save_page(db, owner, site=SITE, section="health", page="meds", body="Tablets",
                    base_revision=None, summary="", title="Meds")  # fmt: skip
    made = [
        files.attach(
            db,
            owner,
            site=SITE,
            section=section,
            page=slug,
            upload=io.BytesIO(bus_picture()),
            filename="bus.jpg",
            declared_type="image/jpeg",
            files_dir=settings.files_path(),
        )
        for section, slug in (("about-me", "hello"), ("health", "meds"))
    ]
    return Plan(people, db, owner, mum, gran, teacher, nurse, made[0].key, made[1].key)


def words(response) -> str:
    """The page as a person reads it (apostrophes and all)."""
    return html.unescape(response.text)


def post(client: TestClient, url: str, data: dict[str, str]):
    token = csrf_of(client.get(HOME).text)
    return client.post(url, data={**data, "csrftoken": token})


# ---- the young person's line and photo ----------------------------------------------------


def test_the_young_person_writes_their_own_line_and_chooses_a_photo(plan: Plan) -> None:
    ava = plan.client(plan.owner)
    form = ava.get(INTRO)
    assert form.status_code == 200 and "One line about you" in form.text
    saved = post(ava, INTRO, {"intro": "I'm Ava. I love  horses.", "photo": plan.photo_key})
    assert saved.status_code == 303 and saved.headers["location"] == f"{HOME}?done=intro"
    home = words(ava.get(HOME))
    assert "I'm Ava. I love horses." in home  # spaces tidied, words kept
    assert f"/-/thumbs/{plan.photo_key}" in home or f"/-/files/{plan.photo_key}" in home


def test_a_steward_may_change_them_and_an_editor_or_a_reader_may_not(plan: Plan) -> None:
    assert post(plan.client(plan.mum), INTRO, {"intro": "Ava, 7", "photo": ""}).status_code == 303
    for who in (plan.gran, plan.teacher, plan.nurse):
        client = plan.client(who)
        assert client.get(INTRO).status_code == 403, who.name
        assert post(client, INTRO, {"intro": "Not mine to say", "photo": ""}).status_code == 403
        assert "Change the words and photo" not in client.get(HOME).text
    assert "Not mine to say" not in plan.client(plan.owner).get(HOME).text
    with pytest.raises(Forbidden):
        introduction.set_introduction(plan.db, plan.gran, site=SITE, intro="x", photo=None)


def test_a_guest_link_reader_cannot_reach_the_form_or_the_welcome(plan: Plan) -> None:
    link = links.create_guest_link(
        plan.db, plan.owner, site=SITE, section="about-me",
        expires_at=clock.iso(clock.now() + timedelta(days=2)),
    )  # fmt: skip
    guest = plan.client()
    assert guest.get(f"/g/{link.token}").status_code in (200, 303)
    for url in (INTRO, WELCOME):
        assert guest.get(url).status_code in (303, 401, 404), url
    assert "Welcome to" not in guest.get(f"/g/{link.token}/about-me").text


def test_too_long_a_line_is_refused_and_the_words_typed_are_kept(plan: Plan) -> None:
    ava = plan.client(plan.owner)
    long = "I love horses " * 20
    refused = post(ava, INTRO, {"intro": long, "photo": ""})
    assert refused.status_code == 422 and "one short line" in words(refused)
    assert long in words(refused)


def test_only_a_photo_from_the_plan_can_be_chosen(plan: Plan) -> None:
    refused = post(plan.client(plan.owner), INTRO, {"intro": "", "photo": "not-a-photo"})
    assert refused.status_code == 422 and "Choose one of the photos" in words(refused)


def test_a_reader_who_may_not_see_the_photos_page_does_not_get_the_photo(plan: Plan) -> None:
    post(plan.client(plan.owner), INTRO, {"intro": "I'm Ava.", "photo": plan.photo_key})
    nurse = plan.client(plan.nurse)  # reads Health only; the photo is on About me
    home = words(nurse.get(HOME))
    assert "I'm Ava." in home and plan.photo_key not in home
    assert nurse.get(f"{HOME}/-/thumbs/{plan.photo_key}.jpg").status_code == 404
    teacher = plan.client(plan.teacher).get(HOME).text
    assert plan.photo_key in teacher


def test_the_photo_list_offers_only_photos_the_chooser_may_see(plan: Plan) -> None:
    text = plan.client(plan.owner).get(INTRO).text
    assert plan.photo_key in text and plan.health_photo_key in text


def test_each_part_has_a_tile_and_only_managers_see_who_can_see_it(plan: Plan) -> None:
    for who, sees in (
        (plan.owner, True),
        (plan.mum, True),
        (plan.gran, False),
        (plan.teacher, False),
    ):
        home = plan.client(who).get(HOME).text
        assert 'class="tiles"' in home and "About me" in home
        assert ("Who can see this" in home) is sees, who.name
        assert "pages ·" not in home and "you can edit and share" not in home


# ---- the welcome --------------------------------------------------------------------------


def test_the_young_persons_first_visit_explains_the_plan_and_offers_three_first_steps(
    plan: Plan,
) -> None:
    home = plan.client(plan.owner).get(HOME).text
    assert "Welcome to your plan" in home and "This is your plan." in home
    for step in ("Write about me", "Choose who can see it", "Add a photo"):
        assert step in home


def test_an_invited_member_is_told_who_shared_what_and_what_they_can_do(plan: Plan) -> None:
    gran = words(plan.client(plan.gran).get(HOME))
    assert "Welcome to Ava's plan" in gran
    assert "Ava shared this part of" in gran and "you can read and change it" in gran
    nurse = plan.client(plan.nurse).get(HOME).text
    assert "Health" in nurse and "you can read it" in nurse
    assert "About me" not in nurse.split('id="welcome-title"')[1].split("</section>")[0]


def test_the_welcome_is_put_away_for_one_person_and_found_again(plan: Plan) -> None:
    gran = plan.client(plan.gran)
    hidden = post(gran, WELCOME, {"welcome": "hide"})
    assert hidden.status_code == 303
    assert 'id="welcome-title"' not in gran.get(HOME).text
    assert "Show the welcome again" in gran.get(HOME).text
    again = gran.get(WELCOME)
    assert again.status_code == 200 and "you can read and change it" in again.text
    assert 'id="welcome-title"' in plan.client(plan.teacher).get(HOME).text  # others still see it
    assert post(gran, WELCOME, {"welcome": "show"}).status_code == 303
    assert 'id="welcome-title"' in gran.get(HOME).text


def test_putting_the_welcome_away_needs_the_form_token(plan: Plan) -> None:
    ava = plan.client(plan.owner)
    ava.get(HOME)
    assert ava.post(WELCOME, data={"welcome": "hide"}).status_code == 403
    assert 'id="welcome-title"' in ava.get(HOME).text


def test_someone_outside_the_plan_finds_nothing(plan: Plan) -> None:
    stranger = plan.client(plan.people.add("Stranger"))
    for url in (HOME, INTRO, WELCOME):
        assert stranger.get(url).status_code == 404, url


def test_a_parent_who_manages_a_young_persons_own_plan_is_told_it_is_theirs(plan: Plan) -> None:
    """Someone who manages every part is told what is true for them (issue #23): the plan is
    the young person's, and they help look after it; not a list of what was "shared"."""
    mum = words(plan.client(plan.mum).get(HOME))
    assert "This is Ava's plan. It is theirs: Ava chooses who can see each part." in mum
    assert "you can read, change and share every part, until Ava changes that" in mum
    assert "shared these parts" not in mum and "Three first steps" not in mum


def test_a_parent_keeping_a_plan_made_for_a_child_gets_the_first_steps(plan: Plan) -> None:
    store.create_site(plan.db, plan.mum, slug="mali", title="Mali's plan", for_name="Mali")
    home = words(plan.client(plan.mum).get("/s/mali"))
    assert (
        "This is Mali's plan." in home and "You look after it until Mali takes it as theirs" in home
    )
    assert "Three first steps" in home and "Add a photo" in home


def test_the_young_person_adds_a_new_photo_from_the_form_through_the_ordinary_upload(
    plan: Plan,
) -> None:
    ava = plan.client(plan.owner)
    form = ava.get(INTRO).text
    assert 'action="/s/ava/about-me/hello/attach"' in form and 'name="back"' in form
    sent = ava.post(
        "/s/ava/about-me/hello/attach",
        data={"csrftoken": csrf_of(form), "back": "introduction", "caption": "Me on a horse"},
        files={"file": ("horse.jpg", bus_picture(), "image/jpeg")},
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{INTRO}?photo=")
    key = sent.headers["location"].split("photo=")[1]
    again = ava.get(sent.headers["location"]).text
    assert f'value="{key}" checked' in again and "Your new photo is added" in again
    not_a_photo = ava.post(
        "/s/ava/about-me/hello/attach",
        data={"csrftoken": csrf_of(form), "back": "introduction"},
        files={"file": ("notes.txt", b"just words", "text/plain")},
    )
    assert (
        not_a_photo.status_code == 303 and "/-/introduction" not in not_a_photo.headers["location"]
    )


def test_a_reader_gets_no_upload_on_the_form_and_cannot_add_to_the_page(plan: Plan) -> None:
    teacher = plan.client(plan.teacher)
    token = csrf_of(teacher.get(HOME).text)
    sent = teacher.post(
        "/s/ava/about-me/hello/attach",
        data={"csrftoken": token, "back": "introduction"},
        files={"file": ("horse.jpg", bus_picture(), "image/jpeg")},
    )
    assert sent.status_code == 403
