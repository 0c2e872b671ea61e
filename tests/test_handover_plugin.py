"""The handover plugin: a pack a new worker can read, acknowledge and ask about (issue #6),
read through its pinned sources with each reader's own access (issue #14; the grid of who
reads what through every door is in test_handover_access.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import csrf_of, post_form

from plugins._handover_pack import read_pack
from plugins.handover import demote
from wiki import clock, store
from wiki.store import circle, links


@pytest.fixture
def site(people, db):
    owner = people.add("Ola")
    mum = people.add("Mum")
    worker = people.add("Wes")
    store.create_site(db, owner, slug="ola", title="Ola's plan")
    circle.add_member(db, owner, site="ola", email=mum.email, relationship="mum", groups=["family"])
    circle.add_grant(db, owner, site="ola", section="*", capability="manage", person=mum.email)
    circle.add_member(db, owner, site="ola", email=worker.email, relationship="new PA", groups=[])
    circle.add_grant(
        db, owner, site="ola", section="handover", capability="view", person=worker.email
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="about-me",
        page="profile",
        base_revision=None,
        title="My one-page profile",
        body="## How best to support me\n\nGive me time to answer.",
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="health",
        page="seizures",
        base_revision=None,
        title="If I have a seizure",
        body="Stay with me and time it.",
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="budget",
        page="money",
        base_revision=None,
        title="Money",
        body="Budget-only words: zephyrquartz.",
    )
    return owner, mum, worker


def build(client, pages: list[str], title: str = "How to support me"):
    token = csrf_of(client.get("/s/ola/handover-pack/new").text)
    data = {"csrftoken": token, "title": title, "note": "Read this first.", "pages": pages}
    return client.post("/s/ola/handover-pack/new", data=data)


def test_headings_are_moved_down_a_level_but_code_is_left_alone() -> None:
    assert (
        demote("## A\n```\n## not a heading\n```\n### B")
        == "### A\n```\n## not a heading\n```\n#### B"
    )


def test_a_steward_builds_a_pack_pinned_to_revisions_profile_first(site, people, db) -> None:
    owner, mum, _ = site
    made = build(people.client(mum), ["health/seizures", "about-me/profile"])
    assert made.status_code == 303
    slug = made.headers["location"].rsplit("/", 1)[1]
    pack_page = store.get_page(db, owner, site="ola", section="handover", page=slug)[1]
    pack = read_pack(pack_page.body)
    assert pack is not None
    profile = store.get_page(db, owner, site="ola", section="about-me", page="profile")[1]
    seizures = store.get_page(db, owner, site="ola", section="health", page="seizures")[1]
    assert [(s.page_id, s.revision) for s in pack.sources] == [(profile.id, 1), (seizures.id, 1)]
    # Only the head is stored: no text, title, slug or section of a source (issue #14).
    for word in ("Give me time", "Stay with me", "seizure", "health", "profile", "about-me"):
        assert word.lower() not in pack_page.body.lower()
    shown = people.client(mum).get(f"/s/ola/handover/{slug}").text
    assert shown.index("Give me time to answer") < shown.index("Stay with me")


def test_the_pack_notes_changes_to_its_sources_and_can_be_brought_up_to_date(
    site, people, db
) -> None:
    owner, mum, _ = site
    client = people.client(mum)
    slug = build(client, ["about-me/profile"]).headers["location"].rsplit("/", 1)[1]
    assert "matches the pages" in client.get(f"/s/ola/handover-pack/{slug}").text
    store.save_page(
        db,
        owner,
        site="ola",
        section="about-me",
        page="profile",
        base_revision=1,
        body="## How best to support me\n\nGive me time. Count to ten.",
    )
    status = client.get(f"/s/ola/handover-pack/{slug}").text
    assert "have changed since" in status and "now revision 2" in status
    assert (
        post_form(
            client, f"/s/ola/handover-pack/{slug}", {}, page=f"/s/ola/handover-pack/{slug}"
        ).status_code
        == 303
    )
    refreshed = store.get_page(db, owner, site="ola", section="handover", page=slug)[1]
    assert refreshed.revision == 2 and "Count to ten" not in refreshed.body
    pack = read_pack(refreshed.body)
    assert pack is not None and [s.revision for s in pack.sources] == [2]
    assert "Count to ten" in client.get(f"/s/ola/handover/{slug}").text


def test_a_new_worker_reads_only_the_parts_they_may_read_at_the_source(site, people, db) -> None:
    owner, mum, worker = site
    slug = (
        build(people.client(mum), ["about-me/profile", "health/seizures"])
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    client = people.client(worker)
    pack = client.get(f"/s/ola/handover/{slug}")
    assert pack.status_code == 200
    # View on Handover alone: the note, and no part (nor its title, nor a count).
    assert "Read this first." in pack.text and "I have read this" in pack.text
    for hidden_words in (
        "Give me time to answer",
        "Stay with me",
        "My one-page profile",
        "seizure",
    ):
        assert hidden_words not in pack.text
    assert "In this handover" not in pack.text
    assert "Who has read it" not in pack.text
    for hidden in (
        "/s/ola/about-me",
        "/s/ola/about-me/profile",
        "/s/ola/health/seizures",
        "/s/ola/budget/money",
    ):
        assert client.get(hidden).status_code == 404
    assert "zephyrquartz" not in pack.text and "Personal budget" not in pack.text
    assert client.get(f"/s/ola/handover-pack/{slug}").status_code == 403
    assert client.get("/s/ola/handover-pack/new").status_code == 403
    # Let them read About me: that part appears, Health stays absent.
    circle.add_grant(
        db, owner, site="ola", section="about-me", capability="view", person=worker.email
    )
    pack = client.get(f"/s/ola/handover/{slug}")
    assert "Give me time to answer" in pack.text and "My one-page profile" in pack.text
    assert "Stay with me" not in pack.text and "seizure" not in pack.text.lower()


def test_reading_and_asking_are_recorded_and_shown_to_the_owner(site, people, db) -> None:
    owner, mum, worker = site
    slug = build(people.client(mum), ["about-me/profile"]).headers["location"].rsplit("/", 1)[1]
    client = people.client(worker)
    url = f"/s/ola/handover/{slug}"
    assert post_form(client, url + "/read", {}, page=url + "/read").status_code == 200
    asked = post_form(
        client, url + "/ask", {"question": "Does Ola like music on in the car?"}, page=url + "/ask"
    )
    assert asked.status_code == 200
    status = people.client(owner).get(f"/s/ola/handover-pack/{slug}").text
    assert "Wes" in status and "Does Ola like music on in the car?" in status
    actions = [e.action for e in store.list_audit(db, owner, site="ola")]
    assert "handover-read" in actions and "handover-question" in actions


def test_an_empty_question_comes_back_with_a_message(site, people) -> None:
    _, mum, worker = site
    slug = build(people.client(mum), ["about-me/profile"]).headers["location"].rsplit("/", 1)[1]
    url = f"/s/ola/handover/{slug}/ask"
    response = post_form(people.client(worker), url, {"question": " "}, page=url)
    assert response.status_code == 422
    assert "Write your question" in response.text


def test_a_guest_link_to_handover_reads_acknowledges_and_then_expires(site, people, db) -> None:
    owner, mum, _ = site
    slug = build(people.client(mum), ["about-me/profile"]).headers["location"].rsplit("/", 1)[1]
    link = links.create_guest_link(
        db,
        owner,
        site="ola",
        section="handover",
        label="New college",
        expires_at=clock.iso(clock.now() + timedelta(days=2)),
    )
    guest = people.client()
    root = f"/g/{link.token}/handover/{slug}"
    page = guest.get(root)
    # A guest link reads its own section only: the note, none of the parts (issue #14).
    assert page.status_code == 200 and "Read this first." in page.text
    assert "Give me time to answer" not in page.text and "My one-page profile" not in page.text
    assert "About me" not in page.text  # not even the other sections' names
    assert post_form(guest, root + "/read", {}, page=root + "/read").status_code == 200
    assert (
        post_form(
            guest,
            root + "/ask",
            {"question": "Is there a quiet room?", "name": "Jo, tutor"},
            page=root + "/ask",
        ).status_code
        == 200
    )
    entries = store.list_audit(db, owner, site="ola")
    assert any(e.action == "handover-read" and e.who.startswith("Guest link") for e in entries)
    assert any("Is there a quiet room? (from Jo, tutor)" in e.detail for e in entries)
    clock.freeze(clock.now() + timedelta(days=3))
    assert guest.get(root).status_code == 404
    assert guest.get(root + "/read").status_code == 404


def test_people_who_do_not_manage_the_plan_cannot_build_packs(site, people, db) -> None:
    _, _, worker = site
    stranger = people.add("Zed")
    assert people.client(worker).get("/s/ola/handover-pack/new").status_code == 403
    assert people.client(stranger).get("/s/ola/handover-pack/new").status_code == 404
