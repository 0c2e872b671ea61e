"""Two people editing the same page from the same revision: the second save is not
applied, nobody's words are lost, and the second person can merge and save."""

from __future__ import annotations

import html as entities
import re
import threading
from typing import Any

import pytest
from conftest import csrf_of, post_form

from wiki import accounts, store
from wiki.errors import Conflict
from wiki.store import circle

ORIGINAL = "## What is important to me\n\n- Buses\n- Bread with Nan\n- My dog Biscuit"
OLAS = (
    "## What is important to me\n\n- Buses, especially the 47\n- Bread with Nan\n- My dog Biscuit"
)
CLAIRES = "## What is important to me\n\n- Buses\n- Bread with Nan\n- My dog Biscuit\n- Swimming on Saturdays"
MERGED = "## What is important to me\n\n- Buses, especially the 47\n- Bread with Nan\n- My dog Biscuit\n- Swimming on Saturdays"
PAGE = "/s/ola/about-me/profile"
API_PAGE = "/api/v1/sites/ola/pages/about-me/profile"


def textarea_of(html: str) -> str:
    match = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', html, flags=re.S)
    assert match, "no text box on the page"
    return entities.unescape(match.group(1)).lstrip("\n")


def hidden_of(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name!r}"
    return match.group(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def submit(
    client,
    form_html: str,
    body: str,
    *,
    title: str = "My profile",
    summary: str = "",
    url: str = PAGE,
):
    """Send an edit form exactly as the browser got it: its token and its base revision."""
    return client.post(url + "/edit", data={
        "csrftoken": csrf_of(form_html), "base": hidden_of(form_html, "base"),
        "title": title, "body": body, "summary": summary,
    })  # fmt: skip


def revisions(db) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.all(
        "SELECT r.number, r.body, r.base, u.name FROM revisions r JOIN pages p ON p.id = r.page_id"
        " LEFT JOIN users u ON u.id = r.author_id WHERE p.slug = 'profile' ORDER BY r.number")]  # fmt: skip


def draft_of(db, person) -> dict[str, Any] | None:
    row = db.one("SELECT d.* FROM drafts d JOIN pages p ON p.id = d.page_id WHERE d.user_id = ? AND p.slug = 'profile'",
                 (person.user_id,))  # fmt: skip
    return dict(row) if row else None


@pytest.fixture
def owner(people):
    return people.add("Ola")


@pytest.fixture
def ola(people, owner, db):
    client = people.client(owner)
    assert post_form(client, "/sites", {"title": "Ola's plan", "slug": "ola"}).status_code == 303
    store.save_page(db, owner, site="ola", section="about-me", page="profile", body=ORIGINAL,
                    base_revision=None, title="My profile", summary="First go")  # fmt: skip
    return client


@pytest.fixture(params=["steward", "editor"])
def claire(request, people, owner, ola):
    """Ola's mum: a steward (manage everywhere), or just an editor of About me."""
    person = people.add("Claire")
    circle.add_member(people.db, owner, site="ola", email=person.email, relationship="mum")
    if request.param == "steward":
        circle.add_grant(
            people.db, owner, site="ola", section="*", capability="manage", person=person.email
        )
    else:
        circle.add_grant(
            people.db, owner, site="ola", section="about-me", capability="edit", person=person.email
        )
    return person, people.client(person)


# ---- in the browser -----------------------------------------------------------------------


def test_second_editor_changing_other_lines_is_merged_with_both_kept(ola, claire, db) -> None:
    """Issue #26: nothing clashed, so nobody is asked to merge by hand."""
    claire_person, claire_client = claire
    olas_form = ola.get(PAGE + "/edit").text
    claires_form = claire_client.get(PAGE + "/edit").text
    assert hidden_of(olas_form, "base") == hidden_of(claires_form, "base") == "1"
    assert submit(ola, olas_form, OLAS, summary="The 47 bus").status_code == 303

    second = submit(claire_client, claires_form, CLAIRES, summary="Swimming")

    assert second.status_code == 303
    assert second.headers["location"] == PAGE + "?saved=3"
    assert revisions(db) == [
        (1, ORIGINAL, None, "Ola"),
        (2, OLAS, 1, "Ola"),
        (3, MERGED, 1, "Claire"),
    ]
    assert draft_of(db, claire_person) is None
    landed = text_of(claire_client.get(second.headers["location"]).text)
    assert "Saved ✓ Ola also changed this page. Both changes are kept." in landed
    # Said only to the person who saved it, and only about that save.
    assert "Saved" not in text_of(ola.get(PAGE + "?saved=3").text)
    assert "also changed" not in text_of(ola.get(PAGE + "?saved=2").text)


CLASHING = ORIGINAL.replace("- Buses\n", "- Buses and trains\n")


def clash_with_ola(ola, claire_client):
    """Ola and Claire both change the line about buses, differently."""
    claires_form = claire_client.get(PAGE + "/edit").text
    submit(ola, ola.get(PAGE + "/edit").text, OLAS)
    return submit(claire_client, claires_form, CLASHING)


def test_the_same_line_changed_differently_asks_about_that_line_only(ola, claire, db) -> None:
    claire_person, claire_client = claire
    response = clash_with_ola(ola, claire_client)

    assert response.status_code == 409
    words = text_of(response.text)
    assert "What you wrote - Buses and trains" in words
    assert "What Ola wrote - Buses, especially the 47" in words
    assert "<textarea" not in response.text, "no text box to merge by hand"
    assert response.text.count('type="radio"') == 3
    assert 'role="alert"' in response.text
    assert revisions(db)[-1][:2] == (2, OLAS), "nothing of hers applied yet"
    assert draft_of(db, claire_person)["body"] == CLASHING  # type: ignore[index]


def test_the_kept_text_is_offered_when_they_open_the_edit_form_again(ola, claire, db) -> None:
    _, claire_client = claire
    clash_with_ola(ola, claire_client)

    again = claire_client.get(PAGE + "/edit")

    assert again.status_code == 200
    assert textarea_of(again.text) == CLASHING
    assert "unsaved text" in text_of(again.text)
    assert "Throw my unsaved text away" in again.text
    # Ola has no draft: she is offered the page as it is.
    assert textarea_of(ola.get(PAGE + "/edit").text) == OLAS


@pytest.mark.parametrize(
    ("choice", "line"),
    [("mine", "- Buses and trains"), ("theirs", "- Buses, especially the 47"),
     ("both", "- Buses and trains\n- Buses, especially the 47")],
)  # fmt: skip
def test_choosing_for_each_clash_saves_and_keeps_both_versions_in_history(
    ola, claire, db, choice, line
) -> None:
    claire_person, claire_client = claire
    page = clash_with_ola(ola, claire_client).text

    chosen = claire_client.post(PAGE + "/choose", data={
        "csrftoken": csrf_of(page), "against": hidden_of(page, "against"), "choice-0": choice})  # fmt: skip

    assert chosen.status_code == 303
    want = ORIGINAL.replace("- Buses", line, 1)
    if choice == "theirs":  # the page already says it: nothing new to keep
        assert revisions(db) == [(1, ORIGINAL, None, "Ola"), (2, OLAS, 1, "Ola")]
    else:
        assert chosen.headers["location"] == PAGE + "?saved=3"
        assert revisions(db) == [
            (1, ORIGINAL, None, "Ola"),
            (2, OLAS, 1, "Ola"),
            (3, want, 1, "Claire"),
        ]
    assert draft_of(db, claire_person) is None, "the draft goes once it is saved"


def test_saving_without_choosing_asks_again_and_saves_nothing(ola, claire, db) -> None:
    _, claire_client = claire
    page = clash_with_ola(ola, claire_client).text
    again = claire_client.post(PAGE + "/choose", data={"csrftoken": csrf_of(page),
                                                       "against": hidden_of(page, "against")})  # fmt: skip
    assert again.status_code == 409
    assert "Choose what to keep for each thing below." in text_of(again.text)
    assert revisions(db)[-1][:2] == (2, OLAS)


def test_saving_the_offered_draft_never_overwrites_the_other_change(ola, claire, db) -> None:
    """The reopened form still carries the draft's old base, so saving it as-is merges."""
    _, claire_client = claire
    clash_with_ola(ola, claire_client)
    reopened = claire_client.get(PAGE + "/edit").text

    response = submit(claire_client, reopened, textarea_of(reopened))

    assert response.status_code == 409, "the same clash is asked about again"
    assert "What Ola wrote" in text_of(response.text)
    assert revisions(db)[-1][:2] == (2, OLAS)


def test_throwing_the_draft_away_brings_back_the_current_page(ola, claire, db) -> None:
    claire_person, claire_client = claire
    clash_with_ola(ola, claire_client)
    reopened = claire_client.get(PAGE + "/edit").text

    response = claire_client.post(
        PAGE + "/edit", data={"csrftoken": csrf_of(reopened), "action": "discard-draft"}
    )

    assert response.status_code == 303
    assert draft_of(db, claire_person) is None
    fresh = claire_client.get(PAGE + "/edit").text
    assert textarea_of(fresh) == OLAS and hidden_of(fresh, "base") == "2"
    assert revisions(db)[-1][:2] == (2, OLAS)


def test_three_editors_from_one_base_all_keep_their_lines(ola, claire, people, owner, db) -> None:
    _, claire_client = claire
    jess = people.add("Jess")
    circle.add_member(db, owner, site="ola", email=jess.email, relationship="sister")
    circle.add_grant(
        db, owner, site="ola", section="about-me", capability="edit", person=jess.email
    )
    jess_client = people.client(jess)
    forms = [c.get(PAGE + "/edit").text for c in (ola, claire_client, jess_client)]
    assert submit(ola, forms[0], OLAS).status_code == 303
    assert submit(claire_client, forms[1], CLAIRES).status_code == 303
    late = submit(jess_client, forms[2], ORIGINAL + "\n- Minecraft")
    assert late.status_code == 303
    assert [r[0] for r in revisions(db)] == [1, 2, 3, 4]
    assert revisions(db)[-1][1] == MERGED + "\n- Minecraft", "added after the lines saved before"
    landed = text_of(jess_client.get(late.headers["location"]).text)
    assert "Ola and Claire also changed this page." in landed
    assert draft_of(db, jess) is None


def test_two_people_starting_the_same_new_page_do_not_overwrite_each_other(ola, claire, db) -> None:
    _, claire_client = claire
    url = "/s/ola/about-me/favourite-buses"
    olas_form, claires_form = ola.get(url + "/edit").text, claire_client.get(url + "/edit").text
    assert hidden_of(olas_form, "base") == hidden_of(claires_form, "base") == ""
    assert (
        submit(ola, olas_form, "The 47 and the X5", url=url, title="Favourite buses").status_code
        == 303
    )
    second = submit(
        claire_client, claires_form, "The 12, for the seaside", url=url, title="Favourite buses"
    )
    assert second.status_code == 409
    assert textarea_of(second.text) == "The 12, for the seaside"
    assert "The 47 and the X5" in text_of(second.text), "the page as Ola wrote it is shown"
    bodies = [r["body"] for r in db.all(
        "SELECT r.body FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.slug = 'favourite-buses'")]  # fmt: skip
    assert bodies == ["The 47 and the X5"]


def test_a_page_renamed_while_someone_typed_gives_their_words_back(ola, claire, db) -> None:
    _, claire_client = claire
    claires_form = claire_client.get(PAGE + "/edit").text
    page = ola.get(PAGE)
    assert (
        ola.post(
            PAGE + "/rename", data={"csrftoken": csrf_of(page.text), "slug": "my-profile"}
        ).status_code
        == 303
    )

    response = submit(claire_client, claires_form, CLAIRES)

    assert response.status_code == 409
    assert textarea_of(response.text) == CLAIRES
    assert db.one("SELECT COUNT(*) AS n FROM pages WHERE slug = 'profile'")["n"] == 0, (
        "no stray page at the old address"
    )


def test_saves_racing_from_the_same_base_never_both_apply(ola, owner, db) -> None:
    writers = 6
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []

    def write(n: int) -> None:
        barrier.wait()
        try:
            store.save_page(db, owner, site="ola", section="about-me", page="profile",
                            body=f"{ORIGINAL}\n- racer {n}", base_revision=1)  # fmt: skip
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["saved"]
    assert [r[0] for r in revisions(db)] == [1, 2]


# ---- through the API ----------------------------------------------------------------------


def bearer(db, person) -> dict[str, str]:
    return {
        "authorization": "Bearer " + accounts.create_token(db, accounts.find_user(db, person.email))  # type: ignore[arg-type]
    }


def test_api_put_with_a_stale_base_gets_409_with_the_current_page_and_keeps_the_text(
    ola, claire, owner, db, people
) -> None:
    claire_person, _ = claire
    api = people.client()
    as_ola, as_claire = bearer(db, owner), bearer(db, claire_person)
    assert (
        api.put(API_PAGE, json={"body": OLAS, "base_revision": 1}, headers=as_ola).status_code
        == 200
    )

    response = api.put(
        API_PAGE,
        json={"body": CLAIRES, "base_revision": 1, "summary": "Swimming"},
        headers=as_claire,
    )

    assert response.status_code == 409
    answer = response.json()
    assert answer["error"]["code"] == "conflict"
    assert answer["error"]["message"]
    current = answer["current"]
    assert current["revision"] == 2 and current["body"] == OLAS
    assert current["updated_by"] == owner.email
    assert {
        "site",
        "section",
        "slug",
        "title",
        "body",
        "revision",
        "updated_at",
        "updated_by",
    } <= set(current)
    assert (current["site"], current["section"], current["slug"]) == ("ola", "about-me", "profile")
    assert revisions(db)[-1][:2] == (2, OLAS)
    kept = draft_of(db, claire_person)
    assert kept is not None
    assert kept["body"] == CLAIRES and kept["base"] == 1
    # and the browser offers it back
    _, claire_client = claire
    assert textarea_of(claire_client.get(PAGE + "/edit").text) == CLAIRES


def test_api_null_base_on_an_existing_page_is_a_conflict_never_an_overwrite(
    ola, owner, db, people
) -> None:
    api = people.client()
    response = api.put(
        API_PAGE,
        json={"body": "Everything replaced", "base_revision": None},
        headers=bearer(db, owner),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["current"]["body"] == ORIGINAL
    assert revisions(db) == [(1, ORIGINAL, None, "Ola")]
    assert draft_of(db, owner)["body"] == "Everything replaced"  # type: ignore[index]


def test_api_base_from_the_future_is_a_conflict(ola, owner, db, people) -> None:
    response = people.client().put(
        API_PAGE, json={"body": "x", "base_revision": 7}, headers=bearer(db, owner)
    )
    assert response.status_code == 409
    assert revisions(db) == [(1, ORIGINAL, None, "Ola")]


def test_api_merging_after_a_conflict_saves_with_the_current_revision_as_base(
    ola, claire, owner, db, people
) -> None:
    claire_person, _ = claire
    api = people.client()
    api.put(API_PAGE, json={"body": OLAS, "base_revision": 1}, headers=bearer(db, owner))
    as_claire = bearer(db, claire_person)
    conflict = api.put(
        API_PAGE, json={"body": CLAIRES, "base_revision": 1}, headers=as_claire
    ).json()

    response = api.put(API_PAGE, json={"body": MERGED, "base_revision": conflict["current"]["revision"]},
                       headers=as_claire)  # fmt: skip

    assert response.status_code == 200
    assert response.json()["revision"] == 3 and response.json()["body"] == MERGED
    assert revisions(db)[-1] == (3, MERGED, 2, "Claire")
    assert draft_of(db, claire_person) is None


def test_api_null_base_creates_a_page_that_does_not_exist_yet(ola, owner, db, people) -> None:
    url = "/api/v1/sites/ola/pages/about-me/communication-passport"
    response = people.client().put(url, json={"body": "I use a few signs.", "base_revision": None,
                                              "title": "My communication passport"}, headers=bearer(db, owner))  # fmt: skip
    assert response.status_code == 201
    assert response.json()["revision"] == 1
    again = people.client().put(
        url, json={"body": "Replaced!", "base_revision": None}, headers=bearer(db, owner)
    )
    assert again.status_code == 409
