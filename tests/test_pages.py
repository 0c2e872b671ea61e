"""The plan site in a browser's shoes (in-process, against a real SQLite file):
making a plan, writing pages, history, diffs, restore, renames, sections, bad input,
CSRF, signing in and out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import csrf_of, post_form, sign_in

from wiki import accounts
from wiki.middleware import SESSION_COOKIE
from wiki.models import STANDARD_SECTIONS
from wiki.store import circle

PASSWORD = "correct-horse-battery"
STANDARD = [key for key, _, _ in STANDARD_SECTIONS]


# ---- helpers ------------------------------------------------------------------------------


def text_of(html: str) -> str:
    """The words a reader sees (tags dropped, whitespace squeezed)."""
    import html as entities

    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def main_of(html: str) -> str:
    match = re.search(r"<main\b.*?</main>", html, flags=re.S)
    assert match, "no <main> on the page"
    return match.group(0)


def textarea_of(html: str, name: str = "body") -> str:
    import html as h

    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, flags=re.S)
    assert match, f"no textarea {name!r}"
    return h.unescape(match.group(1)).lstrip("\n")


def hidden_of(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden input {name!r}"
    return match.group(1)


def nav_keys(html: str, site: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, flags=re.S)
    assert nav, "no section navigation"
    return re.findall(rf'href="/s/{site}/([a-z0-9-]+)"', nav.group(0).split('class="nav-extra"')[0])


def save(
    client,
    url: str,
    body: str,
    *,
    base: int | str | None,
    title: str = "My profile",
    summary: str = "",
):
    """Post the edit form the way a browser does (token from the edit page)."""
    token = csrf_of(client.get(url + "/edit").text)
    data = {"csrftoken": token, "title": title, "body": body, "summary": summary,
            "base": "" if base is None else str(base)}  # fmt: skip
    return client.post(url + "/edit", data=data)


def snapshot(db) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a bad request must leave exactly as it was."""
    queries = {
        "sites": "SELECT slug, title, owner_id FROM sites ORDER BY id",
        "sections": "SELECT site_id, key, title, position FROM sections ORDER BY id",
        "pages": "SELECT section_id, slug, title, revision FROM pages ORDER BY id",
        "revisions": "SELECT page_id, number, title, body, summary FROM revisions ORDER BY id",
        "drafts": "SELECT user_id, page_id, body FROM drafts ORDER BY user_id, page_id",
        "redirects": "SELECT section_id, slug, page_id FROM page_redirects ORDER BY slug",
        "sessions": "SELECT id FROM sessions ORDER BY id",
    }
    return {name: [tuple(r) for r in db.all(sql)] for name, sql in queries.items()}


def revisions_of(db, site: str, section: str, slug: str) -> list[dict[str, Any]]:
    rows = db.all(
        "SELECT r.number, r.title, r.body, r.summary, r.base, u.email AS author FROM revisions r"
        " JOIN pages p ON p.id = r.page_id JOIN sections s ON s.id = p.section_id"
        " JOIN sites t ON t.id = p.site_id LEFT JOIN users u ON u.id = r.author_id"
        " WHERE t.slug = ? AND s.key = ? AND p.slug = ? ORDER BY r.number",
        (site, section, slug),
    )
    return [dict(r) for r in rows]


@pytest.fixture
def owner(people):
    return people.add("Ola")


@pytest.fixture
def ola(people, owner):
    """Ola, signed in, with her plan site 'ola' made through the home page form."""
    client = people.client(owner)
    response = post_form(client, "/sites", {"title": "Ola's plan", "slug": "ola"})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def profile(ola, db):
    """A one-page profile with one revision."""
    response = save(ola, "/s/ola/about-me/profile", "I like buses.", base=None, summary="First go")
    assert response.status_code == 303, response.text
    return "/s/ola/about-me/profile"


def member(
    people, owner, name: str, *, section: str, capability: str, relationship: str = "friend"
):
    """Someone in Ola's circle with one grant; returns (actor, signed-in client)."""
    person = people.add(name)
    circle.add_member(people.db, owner, site="ola", email=person.email, relationship=relationship)
    circle.add_grant(
        people.db, owner, site="ola", section=section, capability=capability, person=person.email
    )
    return person, people.client(person)


# ---- making a plan ------------------------------------------------------------------------


def test_a_young_person_makes_their_plan_from_the_home_page_and_owns_it(people, owner, db) -> None:
    client = people.client(owner)
    home = client.get("/")
    assert home.status_code == 200
    assert "No plans yet" in text_of(home.text)

    response = post_form(
        client, "/sites", {"title": "Ola's plan", "slug": "ola", "date_of_birth": "2011-03-14"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/s/ola"
    site = client.get("/s/ola")
    assert site.status_code == 200
    assert "Ola's plan" in text_of(site.text)
    row = db.one("SELECT owner_id, date_of_birth FROM sites WHERE slug = 'ola'")
    assert row["owner_id"] == owner.user_id and row["date_of_birth"] == "2011-03-14"
    assert "Ola's plan" in text_of(client.get("/").text)


def test_the_web_address_is_made_from_the_name_when_left_empty(people, owner) -> None:
    client = people.client(owner)
    response = post_form(client, "/sites", {"title": "Sam's Plan 2026", "slug": ""})
    assert response.status_code == 303
    assert response.headers["location"] == "/s/sam-s-plan-2026"


def test_a_plan_can_be_made_through_the_api_with_a_token_and_then_opened_in_the_browser(
    people, owner, db
) -> None:
    token = accounts.create_token(db, accounts.find_user(db, owner.email))  # type: ignore[arg-type]
    api = people.client()
    response = api.post("/api/v1/sites", json={"slug": "ola-api", "title": "Ola via API"},
                        headers={"authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["owner"] == owner.email
    browser = people.client(owner)
    assert browser.get("/s/ola-api").status_code == 200
    assert nav_keys(browser.get("/s/ola-api").text, "ola-api") == STANDARD


def test_a_new_plan_has_the_eight_standard_sections_in_order(ola, db) -> None:
    html = ola.get("/s/ola").text
    assert nav_keys(html, "ola") == STANDARD == [
        "about-me", "circle", "outcomes", "budget", "health", "education", "reviews", "handover",
    ]  # fmt: skip
    words = text_of(main_of(html))
    for title in ("About me", "Circle of support", "Outcomes", "Personal budget", "Health", "Education",
                  "Reviews", "Handover"):  # fmt: skip
        assert title in words
    for key in STANDARD:
        assert ola.get(f"/s/ola/{key}").status_code == 200


def test_a_web_address_already_taken_is_refused_clearly_and_nothing_changes(
    ola, people, db
) -> None:
    other = people.client(people.add("Bea"))
    before = snapshot(db)
    response = post_form(other, "/sites", {"title": "Bea's plan", "slug": "ola"})
    assert response.status_code == 422
    assert "already taken" in text_of(response.text)
    assert snapshot(db) == before


# ---- writing pages ------------------------------------------------------------------------


def test_writing_the_first_page_through_the_section_and_edit_forms(ola, owner, db) -> None:
    section = ola.get("/s/ola/about-me")
    started = ola.post("/s/ola/about-me", data={"csrftoken": csrf_of(section.text), "action": "new-page",
                                                "title": "My one-page profile"})  # fmt: skip
    assert started.status_code == 303
    assert urlsplit(started.headers["location"]).path == "/s/ola/about-me/my-one-page-profile/edit"

    form = ola.get(started.headers["location"])
    assert form.status_code == 200
    assert 'value="My one-page profile"' in form.text
    assert hidden_of(form.text, "base") == ""
    saved = ola.post("/s/ola/about-me/my-one-page-profile/edit", data={
        "csrftoken": csrf_of(form.text), "title": "My one-page profile", "base": "",
        "body": "## What is important to me\n\n- Buses\n- Bread with **Nan**", "summary": "Wrote it in tutor time",
    })  # fmt: skip

    assert saved.status_code == 303
    assert saved.headers["location"] == "/s/ola/about-me/my-one-page-profile?saved=1"
    page = ola.get("/s/ola/about-me/my-one-page-profile")
    assert page.status_code == 200
    assert '<h2 id="what-is-important-to-me">' in page.text
    assert "<strong>Nan</strong>" in page.text
    (rev,) = revisions_of(db, "ola", "about-me", "my-one-page-profile")
    assert (
        rev["number"] == 1
        and rev["author"] == owner.email
        and rev["summary"] == "Wrote it in tutor time"
    )
    assert rev["base"] is None
    listing = ola.get("/s/ola/about-me")
    assert "My one-page profile" in text_of(listing.text)


def test_the_html_is_rendered_once_at_save_and_kept_with_the_revision(ola, profile, db) -> None:
    row = db.one("SELECT html FROM revisions ORDER BY id DESC LIMIT 1")
    assert row["html"].strip() == "<p>I like buses.</p>"


def test_saving_identical_text_makes_no_new_revision(ola, profile, db) -> None:
    response = save(ola, profile, "I like buses.", base=1, summary="nothing really")
    assert response.status_code == 303
    assert [r["number"] for r in revisions_of(db, "ola", "about-me", "profile")] == [1]


def test_windows_line_endings_from_a_browser_are_not_a_change(ola, profile, db) -> None:
    save(ola, profile, "Line one\r\nLine two", base=1)
    assert save(ola, profile, "Line one\r\nLine two", base=2).status_code == 303
    revs = revisions_of(db, "ola", "about-me", "profile")
    assert [r["number"] for r in revs] == [1, 2]
    assert revs[-1]["body"] == "Line one\nLine two"


def test_every_save_is_a_new_revision_with_its_base(ola, profile, db) -> None:
    save(ola, profile, "I like trains.", base=1)
    save(ola, profile, "I like trains and buses.", base=2)
    revs = revisions_of(db, "ola", "about-me", "profile")
    assert [(r["number"], r["base"]) for r in revs] == [(1, None), (2, 1), (3, 2)]
    assert [r["body"] for r in revs] == [
        "I like buses.",
        "I like trains.",
        "I like trains and buses.",
    ]


# ---- history, diff, restore ---------------------------------------------------------------


@pytest.fixture
def three_revisions(ola, people, owner, profile):
    """Ola wrote revision 1 and 3; her mum Claire (a steward) wrote revision 2."""
    _, claire = member(
        people, owner, "Claire", section="*", capability="manage", relationship="mum"
    )
    assert (
        save(
            claire, profile, "I like trains.", base=1, summary="Trains are his thing now"
        ).status_code
        == 303
    )
    assert (
        save(
            ola, profile, "I like trains.\nI make bread with Nan.", base=2, summary="Added Nan"
        ).status_code
        == 303
    )
    return profile


def test_history_lists_every_revision_with_who_and_why_newest_first(ola, three_revisions) -> None:
    response = ola.get(three_revisions + "/history")
    assert response.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", response.text, flags=re.S)[1:]
    words = [text_of(r) for r in rows]
    assert len(words) == 3
    assert words[0].startswith("3") and "Ola" in words[0] and "Added Nan" in words[0]
    assert (
        words[1].startswith("2") and "Claire" in words[1] and "Trains are his thing now" in words[1]
    )
    assert words[2].startswith("1") and "Ola" in words[2] and "First go" in words[2]


def test_the_diff_between_two_revisions_marks_the_changed_words(ola, three_revisions) -> None:
    response = ola.get(three_revisions + "/diff?from=1&to=2")
    assert response.status_code == 200
    diff = main_of(response.text)
    assert re.search(r"<del>.*?buses.*?</del>", diff)
    assert re.search(r"<ins>.*?trains.*?</ins>", diff)
    assert "I like" in text_of(diff)
    assert not re.search(r"<(ins|del)>[^<]*(<span[^>]*>[^<]*</span>)?I like", diff), (
        "unchanged words are not marked"
    )


def test_the_diff_works_between_any_two_revisions_in_either_order(ola, three_revisions) -> None:
    for frm, to in ((1, 3), (3, 1), (2, 3), (1, 1)):
        response = ola.get(f"{three_revisions}/diff?from={frm}&to={to}")
        assert response.status_code == 200, (frm, to)
    forward = main_of(ola.get(three_revisions + "/diff?from=1&to=3").text)
    assert re.search(r"<ins>.*?I make bread with Nan\..*?</ins>", forward)
    backward = main_of(ola.get(three_revisions + "/diff?from=3&to=1").text)
    assert re.search(r"<del>.*?I make bread with Nan\..*?</del>", backward)
    same = main_of(ola.get(three_revisions + "/diff?from=2&to=2").text)
    assert "<ins>" not in same.split("</p>", 1)[1] and "the same" in text_of(same)


def test_the_diff_without_numbers_compares_the_last_two(ola, three_revisions) -> None:
    response = ola.get(three_revisions + "/diff")
    assert response.status_code == 200
    assert "version 2" in text_of(response.text) and "version 3" in text_of(response.text)


def test_a_diff_with_a_revision_that_does_not_exist_is_not_found(ola, three_revisions) -> None:
    assert ola.get(three_revisions + "/diff?from=1&to=9").status_code == 404
    assert ola.get(three_revisions + "/diff?from=0&to=2").status_code == 404


def test_a_diff_with_words_instead_of_numbers_says_what_to_do(ola, three_revisions) -> None:
    response = ola.get(three_revisions + "/diff?from=first&to=2")
    assert response.status_code == 422
    assert "revision number" in text_of(response.text)


def test_restoring_an_old_revision_makes_a_new_one_and_loses_nothing(
    ola, three_revisions, db, owner
) -> None:
    old = ola.get(three_revisions + "/revisions/1")
    assert old.status_code == 200
    assert "Bring back this version" in old.text

    response = ola.post(
        three_revisions + "/restore", data={"csrftoken": csrf_of(old.text), "revision": "1"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == three_revisions + "/history"
    revs = revisions_of(db, "ola", "about-me", "profile")
    assert [r["number"] for r in revs] == [1, 2, 3, 4]
    assert revs[3]["body"] == revs[0]["body"] == "I like buses."
    assert revs[3]["author"] == owner.email and "1" in revs[3]["summary"]
    assert (
        revs[1]["body"] == "I like trains."
        and revs[2]["body"] == "I like trains.\nI make bread with Nan."
    )
    assert "I like buses." in ola.get(three_revisions).text
    assert "Restored revision 1" in text_of(ola.get(three_revisions + "/history").text)


def test_restoring_the_current_revision_changes_nothing(ola, three_revisions, db) -> None:
    page = ola.get(three_revisions + "/revisions/3")
    assert "Bring back this version" not in page.text
    response = ola.post(
        three_revisions + "/restore", data={"csrftoken": csrf_of(page.text), "revision": "3"}
    )
    assert response.status_code == 303
    assert len(revisions_of(db, "ola", "about-me", "profile")) == 3


def test_a_reader_cannot_restore(people, owner, three_revisions, db) -> None:
    _, reader = member(people, owner, "Sami", section="about-me", capability="view")
    page = reader.get(three_revisions + "/revisions/1")
    assert page.status_code == 200
    assert "Bring back this version" not in page.text
    before = snapshot(db)
    response = reader.post(
        three_revisions + "/restore", data={"csrftoken": csrf_of(page.text), "revision": "1"}
    )
    assert response.status_code == 403
    assert snapshot(db) == before


# ---- renaming a page ----------------------------------------------------------------------


def test_renaming_a_page_keeps_its_history_and_the_old_address_redirects(
    ola, three_revisions, db
) -> None:
    page = ola.get(three_revisions)
    response = ola.post(
        three_revisions + "/rename",
        data={"csrftoken": csrf_of(page.text), "slug": "one-page-profile"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/s/ola/about-me/one-page-profile"
    old = ola.get(three_revisions)
    assert old.status_code == 301
    assert old.headers["location"] == "/s/ola/about-me/one-page-profile"
    assert [r["number"] for r in revisions_of(db, "ola", "about-me", "one-page-profile")] == [
        1,
        2,
        3,
    ]
    history = ola.get("/s/ola/about-me/one-page-profile/history")
    assert history.status_code == 200
    assert "Trains are his thing now" in text_of(history.text)
    # Writing goes on from the same revision number at the new address.
    assert save(ola, "/s/ola/about-me/one-page-profile", "New words", base=3).status_code == 303
    assert revisions_of(db, "ola", "about-me", "one-page-profile")[-1]["number"] == 4


def test_renaming_twice_keeps_both_old_addresses_working(ola, profile) -> None:
    token = csrf_of(ola.get(profile).text)
    assert (
        ola.post(profile + "/rename", data={"csrftoken": token, "slug": "second"}).status_code
        == 303
    )
    assert (
        ola.post(
            "/s/ola/about-me/second/rename", data={"csrftoken": token, "slug": "third"}
        ).status_code
        == 303
    )
    for old in (profile, "/s/ola/about-me/second"):
        response = ola.get(old)
        assert response.status_code == 301, old
        assert response.headers["location"] == "/s/ola/about-me/third"


def test_renaming_onto_another_pages_address_is_refused_and_nothing_changes(
    ola, profile, db
) -> None:
    assert (
        save(ola, "/s/ola/about-me/other", "Other page", base=None, title="Other").status_code
        == 303
    )
    before = snapshot(db)
    response = ola.post(
        profile + "/rename", data={"csrftoken": csrf_of(ola.get(profile).text), "slug": "other"}
    )
    assert response.status_code == 409
    assert "already has that address" in text_of(response.text)
    assert snapshot(db) == before


@pytest.mark.parametrize("bad", ["My Profile", "profile!", "-profile", "a--b", "x" * 61, ""])
def test_renaming_to_an_invalid_address_is_refused_clearly(ola, profile, db, bad: str) -> None:
    before = snapshot(db)
    response = ola.post(
        profile + "/rename", data={"csrftoken": csrf_of(ola.get(profile).text), "slug": bad}
    )
    assert response.status_code == 422
    assert "lower-case letters" in text_of(response.text)
    assert snapshot(db) == before


# ---- sections -----------------------------------------------------------------------------


def test_the_owner_adds_a_section_and_it_appears_last(ola, db) -> None:
    response = post_form(ola, "/s/ola/sections", {"title": "My hobbies"}, page="/s/ola")
    assert response.status_code == 303
    assert response.headers["location"] == "/s/ola/my-hobbies"
    assert nav_keys(ola.get("/s/ola").text, "ola") == [*STANDARD, "my-hobbies"]
    page = ola.get("/s/ola/my-hobbies")
    assert page.status_code == 200 and "My hobbies" in text_of(page.text)


def test_the_owner_renames_a_section_and_its_address_stays(ola, db) -> None:
    response = post_form(
        ola,
        "/s/ola/about-me",
        {"action": "rename", "title": "All about me"},
        page="/s/ola/about-me",
    )
    assert response.status_code == 303
    page = ola.get("/s/ola/about-me")
    assert page.status_code == 200
    assert "<h1>All about me</h1>" in page.text
    assert nav_keys(page.text, "ola") == STANDARD


def test_the_owner_reorders_sections(ola) -> None:
    assert (
        post_form(ola, "/s/ola/handover", {"action": "up"}, page="/s/ola/handover").status_code
        == 303
    )
    assert nav_keys(ola.get("/s/ola").text, "ola")[-2:] == ["handover", "reviews"]
    assert (
        post_form(ola, "/s/ola/about-me", {"action": "down"}, page="/s/ola/about-me").status_code
        == 303
    )
    assert nav_keys(ola.get("/s/ola").text, "ola")[:2] == ["circle", "about-me"]
    # Moving the first one up, or the last one down, is harmless.
    post_form(ola, "/s/ola/circle", {"action": "up"}, page="/s/ola/circle")
    post_form(ola, "/s/ola/reviews", {"action": "down"}, page="/s/ola/reviews")
    assert nav_keys(ola.get("/s/ola").text, "ola") == [
        "circle", "about-me", "outcomes", "budget", "health", "education", "handover", "reviews",
    ]  # fmt: skip


def test_a_section_name_already_used_is_refused_and_nothing_changes(ola, db) -> None:
    before = snapshot(db)
    response = post_form(ola, "/s/ola/sections", {"title": "Health"}, page="/s/ola")
    assert response.status_code == 409
    assert snapshot(db) == before


@pytest.mark.parametrize("title", ["Sharing", "Audit", "Search"])
def test_a_section_cannot_take_an_address_planwiki_uses_itself(ola, db, title: str) -> None:
    before = snapshot(db)
    response = post_form(ola, "/s/ola/sections", {"title": title}, page="/s/ola")
    assert response.status_code == 422
    assert snapshot(db) == before


def test_only_the_owner_and_stewards_change_sections(people, owner, ola, db) -> None:
    _, editor = member(
        people, owner, "Priya", section="about-me", capability="edit", relationship="SENCO"
    )
    section = editor.get("/s/ola/about-me")
    assert section.status_code == 200
    assert "Section settings" not in section.text
    before = snapshot(db)
    token = csrf_of(section.text)
    assert (
        editor.post("/s/ola/sections", data={"csrftoken": token, "title": "Priya's"}).status_code
        == 403
    )
    assert (
        editor.post(
            "/s/ola/about-me", data={"csrftoken": token, "action": "rename", "title": "X"}
        ).status_code
        == 403
    )
    assert (
        editor.post("/s/ola/about-me", data={"csrftoken": token, "action": "down"}).status_code
        == 403
    )
    assert snapshot(db) == before


# ---- empty states -------------------------------------------------------------------------


def test_empty_states_say_what_to_do_next(ola, people, owner) -> None:
    site = text_of(main_of(ola.get("/s/ola").text))
    assert "Nothing written yet" in site
    section = ola.get("/s/ola/outcomes")
    assert "Nothing here yet" in text_of(section.text)
    assert "Start a new page" in text_of(section.text)
    missing = ola.get("/s/ola/outcomes/bus-to-college")
    assert missing.status_code == 404
    assert "There is no page here yet" in text_of(missing.text)
    assert 'href="/s/ola/outcomes/bus-to-college/edit"' in missing.text

    _, reader = member(people, owner, "Sami", section="outcomes", capability="view")
    seen = reader.get("/s/ola/outcomes")
    assert seen.status_code == 200
    assert "When something is written here, you will see it." in text_of(seen.text)
    assert "Start a new page" not in seen.text


def test_someone_with_no_plans_is_told_how_to_start(people) -> None:
    client = people.client(people.add("Newcomer"))
    words = text_of(client.get("/").text)
    assert "No plans yet" in words and "Start a new plan" in words


# ---- not there ----------------------------------------------------------------------------


def _is_not_found_page(response) -> bool:
    return response.status_code == 404 and "text/html" in response.headers["content-type"] and \
        "We could not find that" in text_of(response.text)  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        "/s/nobody",
        "/s/ola/no-such-section",
        "/s/ola/no-such-section/page",
        "/s/ola/about-me/profile/revisions/99",
        "/s/ola/about-me/nothing-here/history",
        "/s/ola/about-me/nothing-here/diff?from=1&to=2",
        "/s/ola/about-me/nothing-here/revisions/1",
        "/s/nobody/about-me/profile/edit",
        "/s/ola/no-such-section/page/edit",
        "/nothing/here/at/all",
    ],
)
def test_unknown_sites_sections_and_pages_get_a_not_found_page(ola, profile, path: str) -> None:
    assert _is_not_found_page(ola.get(path)), path


def test_a_plan_not_shared_with_you_looks_exactly_like_one_that_does_not_exist(
    ola, profile, people
) -> None:
    stranger = people.client(people.add("Stranger"))
    for hidden, missing in (("/s/ola", "/s/nobody"), (profile, "/s/nobody/about-me/profile"),
                            (profile + "/history", "/s/nobody/about-me/profile/history")):  # fmt: skip
        seen, absent = stranger.get(hidden), stranger.get(missing)
        assert _is_not_found_page(seen) and _is_not_found_page(absent)
        assert main_of(seen.text) == main_of(absent.text)


def test_a_section_not_shared_with_a_circle_member_does_not_exist_for_them(
    people, owner, ola, profile
) -> None:
    _, reader = member(people, owner, "Sami", section="about-me", capability="view")
    assert reader.get(profile).status_code == 200
    assert _is_not_found_page(reader.get("/s/ola/health"))
    assert "health" not in nav_keys(reader.get("/s/ola").text, "ola")
    # A reader is not offered to write a missing page either.
    assert _is_not_found_page(reader.get("/s/ola/about-me/not-written"))


def test_signed_out_visitors_are_asked_to_sign_in_then_taken_back(
    people, owner, ola, profile
) -> None:
    visitor = people.client()
    response = visitor.get(profile)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/s/ola/about-me/profile"
    form = visitor.get(response.headers["location"])
    assert hidden_of(form.text, "next") == "/s/ola/about-me/profile"
    signed = visitor.post("/login", data={"csrftoken": csrf_of(form.text), "email": owner.email,
                                          "password": PASSWORD, "next": "/s/ola/about-me/profile"})  # fmt: skip
    assert signed.status_code == 303
    assert signed.headers["location"] == "/s/ola/about-me/profile"


# ---- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title": "T" * 121, "slug": "long-title"}, "up to 120 characters"),
        ({"title": "", "slug": "no-title"}, "up to 120 characters"),
        ({"title": "Fine", "slug": "Has Spaces"}, "lower-case letters"),
        ({"title": "Fine", "slug": "-starts-with-hyphen"}, "lower-case letters"),
        ({"title": "Fine", "slug": "double--hyphen"}, "lower-case letters"),
        ({"title": "Fine", "slug": "s" * 61}, "lower-case letters"),
        ({"title": "Fine", "slug": "emoji-☺"}, "lower-case letters"),
        ({"title": "Fine", "slug": "fine", "date_of_birth": "2999-01-01"}, "in the past"),
    ],
)
def test_making_a_plan_with_bad_input_says_what_is_wrong_and_changes_nothing(
    people, owner, db, fields, problem
) -> None:
    client = people.client(owner)
    before = snapshot(db)
    response = post_form(client, "/sites", fields)
    assert response.status_code == 422
    assert problem in text_of(response.text)
    assert 'aria-invalid="true"' in response.text
    assert snapshot(db) == before
    if fields["title"]:
        assert f'value="{fields["title"][:20]}' in response.text, (
            "what was typed is kept in the form"
        )


def test_an_over_long_page_title_is_refused_and_the_text_is_kept(ola, profile, db) -> None:
    before = snapshot(db)
    response = save(ola, profile, "My precious new words", base=1, title="T" * 121)
    assert response.status_code == 422
    assert "up to 120 characters" in text_of(response.text)
    assert textarea_of(response.text) == "My precious new words"
    assert snapshot(db) == before


def test_a_refused_save_of_an_existing_page_still_says_which_page_is_being_edited(
    ola, profile
) -> None:
    response = save(ola, profile, "My precious new words", base=1, title="T" * 121)
    assert response.status_code == 422
    heading = re.search(r"<h1>(.*?)</h1>", response.text, flags=re.S)
    assert heading
    assert "New page" not in heading.group(1), (
        "the page exists: a 'New page' heading makes it look lost"
    )
    assert "My profile" in text_of(heading.group(1))
    assert hidden_of(response.text, "base") == "1"


def test_an_empty_page_title_is_refused(ola, profile, db) -> None:
    before = snapshot(db)
    response = save(ola, profile, "words", base=1, title="   ")
    assert response.status_code == 422
    assert snapshot(db) == before


def test_an_over_long_title_for_a_new_page_or_section_is_refused(ola, db) -> None:
    before = snapshot(db)
    assert (
        post_form(ola, "/s/ola/about-me", {"title": "P" * 121}, page="/s/ola/about-me").status_code
        == 422
    )
    assert post_form(ola, "/s/ola/sections", {"title": "S" * 121}, page="/s/ola").status_code == 422
    response = post_form(
        ola, "/s/ola/about-me", {"action": "rename", "title": "R" * 121}, page="/s/ola/about-me"
    )
    assert response.status_code == 422
    assert "up to 120 characters" in text_of(response.text)
    assert snapshot(db) == before


@pytest.mark.parametrize("slug", ["My_Page", "UPPER", "a--b", "x" * 61])
def test_a_page_address_that_is_not_a_valid_slug_is_refused(ola, db, slug: str) -> None:
    before = snapshot(db)
    form = ola.get(f"/s/ola/about-me/{slug}/edit")
    assert form.status_code == 422
    token = csrf_of(ola.get("/s/ola/about-me").text)
    response = ola.post(
        f"/s/ola/about-me/{slug}/edit",
        data={"csrftoken": token, "title": "T", "body": "b", "base": ""},
    )
    assert response.status_code == 422
    assert "lower-case letters" in text_of(response.text)
    assert snapshot(db) == before


def test_a_page_just_over_the_size_limit_is_refused_with_the_limit_and_the_text_kept(
    ola, profile, db, settings
) -> None:
    before = snapshot(db)
    body = "a" * (settings.max_page_chars + 1)
    response = save(ola, profile, body, base=1)
    assert response.status_code in (413, 422)
    assert f"{settings.max_page_chars:,} characters" in text_of(response.text)
    assert len(textarea_of(response.text)) == len(body)
    assert snapshot(db) == before


def test_a_five_megabyte_page_gets_a_clear_message_and_nothing_is_saved(
    ola, profile, db, settings
) -> None:
    before = snapshot(db)
    body = "My whole life story. " * (5 * 1024 * 1024 // 21)
    response = save(ola, profile, body, base=1)
    assert response.status_code in (413, 422), response.status_code
    words = text_of(response.text)
    assert f"{settings.max_page_chars:,} characters" in words, words[:500]
    assert snapshot(db) == before


# ---- CSRF ---------------------------------------------------------------------------------

FORMS = [
    ("/sites", {"title": "Forged plan", "slug": "forged"}),
    ("/s/ola/sections", {"title": "Forged section"}),
    ("/s/ola/about-me", {"action": "rename", "title": "Forged"}),
    ("/s/ola/about-me", {"action": "down"}),
    ("/s/ola/about-me/profile/edit", {"title": "Forged", "body": "forged words", "base": "1"}),
    ("/s/ola/about-me/new-page/edit", {"title": "Forged", "body": "forged page", "base": ""}),
    ("/s/ola/about-me/profile/restore", {"revision": "1"}),
    ("/s/ola/about-me/profile/rename", {"slug": "forged"}),
    ("/logout", {}),
]


@pytest.mark.parametrize(
    ("url", "data"), FORMS, ids=[f"{u} {d.get('action', '')}".strip() for u, d in FORMS]
)
def test_a_form_sent_without_its_csrf_token_is_refused_and_changes_nothing(
    ola, profile, db, url, data
) -> None:
    save(ola, profile, "Second words", base=1)  # so that restore would have something to do
    before = snapshot(db)
    response = ola.post(url, data=data)
    assert response.status_code == 403
    assert "Nothing was changed" in text_of(response.text)
    assert snapshot(db) == before
    assert ola.get("/api/v1/me").status_code == 200, "still signed in"


@pytest.mark.parametrize(("url", "data"), FORMS[:5])
def test_a_form_with_a_token_from_another_browser_is_refused(
    ola, profile, people, db, url, data
) -> None:
    other = people.client()
    foreign = csrf_of(other.get("/login").text)
    before = snapshot(db)
    assert ola.post(url, data={**data, "csrftoken": foreign}).status_code == 403
    assert snapshot(db) == before


def test_a_sign_in_form_posted_from_another_site_is_refused(people, owner, db) -> None:
    before = snapshot(db)
    client = (
        people.client()
    )  # no cookies at all: what a cross-site form post from a fresh browser carries
    response = client.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.cookies
    assert snapshot(db) == before


# ---- signing in and out -------------------------------------------------------------------


def _try_login(client, email: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrftoken": token, "email": email, "password": password})


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(people, owner) -> None:
    client = people.client()
    wrong = _try_login(client, owner.email, "not-the-password")
    unknown = _try_login(client, "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email and password do not match."
    assert message in text_of(wrong.text) and message in text_of(unknown.text)
    strip = lambda r: re.sub(r'value="[^"]*"', "", main_of(r.text))  # noqa: E731 - tokens and emails differ
    assert strip(wrong) == strip(unknown)
    assert SESSION_COOKIE not in client.cookies


def test_signing_in_with_the_right_password_starts_a_session(people, owner, db) -> None:
    client = people.client()
    response = _try_login(client, owner.email.upper(), PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert (
        SESSION_COOKIE in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie.replace("Lax", "lax")
    )
    assert client.get("/api/v1/me").json()["email"] == owner.email
    assert (
        db.one("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", (owner.user_id,))["n"] == 1
    )


def test_after_ten_failures_sign_in_slows_down_even_for_the_right_password(
    people, owner, settings
) -> None:
    client = people.client()
    assert settings.login_attempts_per_15_minutes == 10
    for attempt in range(10):
        assert _try_login(client, owner.email, f"guess-number-{attempt}").status_code == 400, (
            attempt
        )
    response = _try_login(client, owner.email, PASSWORD)
    assert response.status_code == 429
    assert "try again" in text_of(response.text)
    assert int(response.headers["retry-after"]) > 0
    assert SESSION_COOKIE not in client.cookies


def test_signing_out_ends_the_session_so_the_old_cookie_no_longer_works(
    people, owner, ola, profile, db
) -> None:
    old_cookie = ola.cookies[SESSION_COOKIE]
    assert ola.get(profile).status_code == 200

    response = post_form(ola, "/logout", {})

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert (
        db.one("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", (owner.user_id,))["n"] == 0
    )
    replay = people.client()
    replay.cookies.set(SESSION_COOKIE, old_cookie)
    assert replay.get(profile).status_code == 303
    assert replay.get(profile).headers["location"].startswith("/login")
    assert replay.get("/api/v1/me").status_code == 401


def test_signing_in_again_gives_a_new_session_and_ends_the_old_one(people, owner, db) -> None:
    client = people.client(owner)
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, owner.email, PASSWORD)
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    replay = people.client()
    replay.cookies.set(SESSION_COOKIE, first)
    assert replay.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("target", ["/s/ola", "/s/ola/about-me/profile/history?x=1"])
def test_next_takes_you_to_a_local_page_after_signing_in(people, owner, target: str) -> None:
    client = people.client()
    form = client.get("/login", params={"next": target})
    assert hidden_of(form.text, "next") == target.replace("&", "&amp;")
    response = client.post("/login", data={"csrftoken": csrf_of(form.text), "email": owner.email,
                                           "password": PASSWORD, "next": target})  # fmt: skip
    assert response.headers["location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "https:evil.example",
    ],
)
def test_next_never_sends_you_to_another_site(people, owner, target: str) -> None:
    client = people.client()
    form = client.get("/login", params={"next": target})
    response = client.post("/login", data={"csrftoken": csrf_of(form.text), "email": owner.email,
                                           "password": PASSWORD, "next": target})  # fmt: skip
    assert response.status_code == 303
    location = response.headers["location"]
    as_browser_reads_it = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    assert as_browser_reads_it.startswith("/") and not as_browser_reads_it.startswith("//"), (
        location
    )
    assert urlsplit(as_browser_reads_it).netloc == ""


# ---- words are shown, never run ----------------------------------------------------------


def test_titles_summaries_and_names_with_markup_are_shown_as_words_everywhere(people, db) -> None:
    sneaky = people.add("Ola <b>bold</b>")
    client = people.client(sneaky)
    assert (
        post_form(
            client, "/sites", {"title": "<script>alert(1)</script> plan", "slug": "ola"}
        ).status_code
        == 303
    )
    url = "/s/ola/about-me/profile"
    assert (
        save(
            client,
            url,
            "one",
            base=None,
            title="<img src=x onerror=alert(1)>",
            summary="<i>why</i>",
        ).status_code
        == 303
    )
    assert (
        save(
            client, url, "two", base=1, title="<img src=y onerror=alert(2)>", summary="<i>why</i>"
        ).status_code
        == 303
    )
    for path in ("/", "/s/ola", "/s/ola/about-me", url, url + "/edit", url + "/history", url + "/diff?from=1&to=2",
                 url + "/revisions/1"):  # fmt: skip
        html = client.get(path).text
        for raw in ("<script>alert", "<img src=x", "<img src=y", "<i>why", "<b>bold"):
            assert raw not in html, (path, raw)
    assert "&lt;img src=y onerror=alert(2)&gt;" in client.get(url).text


# ---- headers ------------------------------------------------------------------------------


def test_plan_pages_carry_a_strict_content_security_policy_and_are_not_cached(ola, profile) -> None:
    response = ola.get(profile)
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "object-src 'none'" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert "unsafe-inline" not in csp
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
