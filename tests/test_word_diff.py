"""Diffs of block pages in words (issue #16): "What is important to me: added 'Going
swimming on Saturdays'", with the form's own titles, the text diff one click away, and
nothing shown to anyone who may not read the page."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import sign_in
from starlette.testclient import TestClient

from plugins.block_changes import PAGE_TEXT, changes
from plugins.blocks import BLOCKS
from wiki import accounts, demo, store
from wiki.app import create_app
from wiki.demo_content import CIRCLE, OWNER, SITE, block
from wiki.models import Actor
from wiki.plugin_api import Change
from wiki.settings import Settings

S = f"/s/{SITE['slug']}"
PROFILE = f"{S}/about-me/one-page-profile"
OUTCOME = f"{S}/outcomes/bus-to-college"


def profile(
    important: list[str], support: list[str] | None = None, intro: str = "My profile."
) -> str:
    data = {"like_and_admire": ["I am funny."], "important_to_me": important,
            "how_to_support_me": support or ["Tell me early."]}  # fmt: skip
    return f"{intro}\n\n" + block("one-page-profile", data)


# ---- the words ----------------------------------------------------------------------------------


def test_an_added_line_says_added_with_the_forms_title() -> None:
    old = profile(["My dog Pickle."])
    new = profile(["My dog Pickle.", "Going swimming on Saturdays"])
    assert changes(old, new, BLOCKS) == [
        Change("What is important to me", "added", "", "Going swimming on Saturdays")
    ]


def test_a_changed_line_says_from_what_to_what_and_a_removed_one_says_removed() -> None:
    old = profile(["My dog Pickle."], ["Do not touch me without asking.", "Tell me early."])
    new = profile(["My dog Pickle."], ["Ask before you touch me."])
    assert changes(old, new, BLOCKS) == [
        Change(
            "How best to support me",
            "changed",
            "Do not touch me without asking.",
            "Ask before you touch me.",
        ),
        Change("How best to support me", "removed", "Tell me early."),
    ]


def test_words_outside_the_blocks_are_the_page_text() -> None:
    old = profile(["Pickle"], intro="My profile.")
    new = profile(["Pickle"], intro="My profile, in my words.")
    assert changes(old, new, BLOCKS) == [
        Change(PAGE_TEXT, "changed", "My profile.", "My profile, in my words.")
    ]


def test_an_outcome_says_which_outcome_which_field_and_yes_no_and_dates_in_words() -> None:
    example = BLOCKS["outcome"].example
    old = (
        "Mine.\n\n```outcome\n"
        + example
        + "```\n\n```outcome\nref: 7\noutcome: I swim\narea: good health\nby_when: 2027-07-31\n```\n"
    )
    new = old.replace("by_when: 2027-07-31", "by_when: 2027-08-31")
    found = changes(old, new, BLOCKS)
    assert found == [Change("Outcome 7, By when", "changed", "31 July 2027", "31 August 2027")]


def test_a_block_added_or_taken_away_is_named_with_a_or_an() -> None:
    old = "Mine.\n"
    new = "Mine.\n\n```outcome\noutcome: I swim\narea: good health\nby_when: 2027-07-31\n```\n"
    assert changes(old, new, BLOCKS) == [Change("Added an outcome", "added", "", "I swim")]
    assert changes(new, old, BLOCKS) == [Change("Removed an outcome", "removed", "I swim")]


def test_a_page_without_blocks_is_left_to_the_text_diff() -> None:
    assert changes("one\ntwo", "one\nthree", BLOCKS) is None


def test_a_block_with_a_mistake_is_still_described_line_by_line() -> None:
    old = "```one-page-profile\nimportant_to_me: [unclosed\n```\n"
    new = "```one-page-profile\nimportant_to_me: [closed]\n```\n"
    found = changes(old, new, BLOCKS)
    assert found and found[0].kind == "changed" and "closed" in found[0].new


# ---- the page -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    app = create_app(
        Settings(db=Path(tmp_path_factory.mktemp("diffs")) / "demo.db", synchronous="NORMAL")
    )
    db = app.state.db
    demo.load(db)
    # Rhys adds a line to his profile with the form's words, as a new revision.
    found = accounts.find_user(db, OWNER["email"])
    assert found is not None
    rhys = Actor(user_id=found.id, email=found.email, name=found.name)
    _, page = store.get_page(
        db, rhys, site=SITE["slug"], section="about-me", page="one-page-profile"
    )
    body = re.sub(
        r"(?m)^(- Seeing Sami on Friday nights.*)$", r"\1\n- Going swimming on Saturdays", page.body
    )
    assert body != page.body
    store.save_page(db, rhys, site=SITE["slug"], section="about-me", page="one-page-profile", body=body,
                    base_revision=page.revision, summary="Swimming")  # fmt: skip
    people = {"rhys": (OWNER["email"], OWNER["password"])}
    people.update({p["email"].split(".")[0]: (p["email"], p["password"]) for p in CIRCLE})
    with contextlib.ExitStack() as stack:
        clients = {}
        for who in ("rhys", "sami"):
            client = stack.enter_context(TestClient(app, follow_redirects=False))
            sign_in(client, *people[who])
            clients[who] = client
        clients["stranger"] = stack.enter_context(TestClient(app, follow_redirects=False))
        yield clients


def test_the_diff_of_the_profile_reads_as_words_with_the_text_one_click_away(plan) -> None:
    shown = plan["rhys"].get(PROFILE + "/diff")
    assert shown.status_code == 200
    text = shown.text
    assert '<h2 id="words-title">What changed</h2>' in text
    flat = " ".join(text.split())
    assert (
        "<strong>What is important to me:</strong> added “<ins>Going swimming on Saturdays</ins>”"
        in flat
    ), flat[flat.find("word-diff") :][:600]
    assert "important_to_me" not in text, "no markup in the words view"
    assert "See the changes in the page" in text and "&amp;view=text" in text
    as_text = plan["rhys"].get(PROFILE + "/diff?from=4&to=5&view=text")
    assert as_text.status_code == 200
    assert 'class="diff"' in as_text.text and "Going swimming on Saturdays" in as_text.text
    assert "See the changes in words" in as_text.text and 'class="word-diff"' not in as_text.text


def test_a_reader_of_the_section_gets_the_words_too(plan) -> None:
    shown = plan["sami"].get(PROFILE + "/diff")
    assert shown.status_code == 200 and "Going swimming on Saturdays" in shown.text


def test_someone_without_view_on_the_section_gets_not_found_and_no_words(plan) -> None:
    """Sami may read About me but not Outcomes: the outcome's diff does not exist for him."""
    for url in (
        OUTCOME + "/diff",
        OUTCOME + "/diff?from=1&to=2",
        OUTCOME + "/diff?from=1&to=2&view=text",
    ):
        refused = plan["sami"].get(url)
        assert refused.status_code == 404, url
        assert "Progress notes" not in refused.text and "Going well" not in refused.text
    assert plan["rhys"].get(OUTCOME + "/diff?from=1&to=2").status_code == 200


def test_a_stranger_is_sent_to_sign_in_and_sees_nothing(plan) -> None:
    answer = plan["stranger"].get(PROFILE + "/diff")
    assert answer.status_code in (302, 303) and "swimming" not in answer.text


def test_a_row_added_to_a_list_of_things_is_said_with_its_date_in_words() -> None:
    head = "```outcome\noutcome: I swim\narea: good health\nby_when: 2027-07-31\n"
    old = head + "```\n"
    new = head + "progress:\n- date: 2026-11-20\n  note: Swam 10 lengths.\n  by: Tom\n```\n"
    assert changes(old, new, BLOCKS) == [
        Change("Progress notes", "added", "", "20 November 2026 — Swam 10 lengths. — Tom")
    ]
