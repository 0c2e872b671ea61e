"""Friendly writing first (issue #16), without a browser: the main Edit of a page made of
blocks opens its form, a/an in generated labels, outcome numbers that agree between the
page and its form list, the editor's preview, and the upload limits said in MB."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import csrf_of, sign_in
from starlette.testclient import TestClient

from plugins._form_layout import layout
from plugins.blocks import BLOCKS
from wiki import demo
from wiki.app import create_app
from wiki.demo_content import CIRCLE, OWNER, SITE
from wiki.grammar import article, with_article
from wiki.settings import Settings

S = f"/s/{SITE['slug']}"
PROFILE = f"{S}/about-me/one-page-profile"
PASSWORDS = {p["email"].split(".")[0]: (p["email"], p["password"]) for p in CIRCLE}
PASSWORDS["rhys"] = (OWNER["email"], OWNER["password"])


# ---- a or an -------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase, expected", [
    ("outcome", "an outcome"), ("step", "a step"), ("important thing", "an important thing"),
    ("one-page profile", "a one-page profile"), ("unit", "a unit"), ("umbrella", "an umbrella"),
    ("hour", "an hour"), ("honest answer", "an honest answer"), ("EHC plan", "an EHC plan"),
    ("NHS number", "an NHS number"), ("SENCO", "a SENCO"), ("person's view", "a person's view"),
    ("amount banked", "an amount banked"), ("entry", "an entry"), ("European trip", "a European trip"),
    ("8-week course", "an 8-week course"), ("18th birthday", "an 18th birthday"), ("3-day trip", "a 3-day trip"),
    ("usual day", "a usual day"), ("Outcome", "an Outcome"),
])  # fmt: skip
def test_a_or_an_goes_by_the_sound_of_the_word(phrase: str, expected: str) -> None:
    assert with_article(phrase) == expected


def test_an_empty_phrase_gets_a_and_does_not_fail() -> None:
    assert article("") == "a" and article("  ") == "a"


def test_every_generated_add_label_of_every_block_says_a_or_an_rightly() -> None:
    """The form's "Add a …" legends for every repeated group of every block type."""
    seen = []
    for block in BLOCKS.values():
        for item in layout(block.model, {}, {}):
            rows = getattr(item, "rows", None)
            if rows:
                legend = rows[-1].legend
                seen.append(legend)
                noun = legend.split(" ", 2)[2]
                assert legend == f"Add {with_article(noun)}", legend
    assert "Add an amount banked" in seen and "Add a step" in seen
    assert not any(re.search(r"\ba [aeiou]", s) for s in seen), seen


# ---- the demo, in-process -------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    folder = Path(tmp_path_factory.mktemp("writing"))
    app = create_app(Settings(db=folder / "demo.db", synchronous="NORMAL"))
    demo.load(app.state.db)
    with contextlib.ExitStack() as stack:
        clients = {}
        for who in ("rhys", "sami", "helen", "daniel"):
            client = stack.enter_context(TestClient(app, follow_redirects=False))
            sign_in(client, *PASSWORDS[who])
            clients[who] = client
        clients["nobody"] = stack.enter_context(TestClient(app, follow_redirects=False))
        yield clients


def main_edit(html: str) -> str:
    """The address of the page's main (first, filled) Edit button."""
    found = re.search(r'<a class="button" href="([^"]+)">Edit</a>', html)
    assert found, "no main Edit button"
    return found.group(1)


def test_the_main_edit_of_the_profile_opens_its_form_and_text_is_the_second_choice(plan) -> None:
    page = plan["rhys"].get(PROFILE).text
    assert main_edit(page) == PROFILE + "/block/0"
    assert f'<li class="text-choice"><a href="{PROFILE}/edit">Edit as text</a>' in page
    assert page.index(">Edit</a>") < page.index(">Edit as text</a>")
    form = plan["rhys"].get(PROFILE + "/block/0")
    assert form.status_code == 200 and "What is important to me" in form.text
    assert f'href="{PROFILE}/edit">Change the page as text instead</a>' in form.text


def test_a_page_of_another_plugins_blocks_also_opens_its_form(plan) -> None:
    """Plan facts (plugins/plan_facts.py) are not a built-in block: still a form first."""
    facts = f"{S}/reviews/facts-for-review-dates"
    page = plan["daniel"].get(facts).text
    assert main_edit(page) == facts + "/block/0"
    assert "Add a block" not in page


def test_a_text_page_opens_the_text_editor_and_offers_to_add_a_block(plan) -> None:
    text_page = f"{S}/health/my-health"
    page = plan["helen"].get(text_page).text
    assert main_edit(page) == text_page + "/edit"
    assert "Edit as text" not in page and "Add a block" in page


def test_a_reader_gets_no_edit_button_of_either_kind(plan) -> None:
    page = plan["sami"].get(PROFILE).text
    assert "/block/0" not in page and "/edit" not in page and "Edit as text" not in page


def test_the_new_block_form_says_add_an_outcome(plan) -> None:
    shown = plan["rhys"].get(f"{S}/outcomes/my-outcomes/blocks/new?type=outcome").text
    assert "<h1>Add an outcome</h1>" in shown and "Add a outcome" not in shown
    assert (
        "<title>Add an outcome: " in shown
        and '<li aria-current="page">Add an outcome</li>' in shown
    )
    assert "<legend>Add a step</legend>" in shown


# ---- outcome numbers --------------------------------------------------------------------------


def test_the_outcome_numbers_on_the_page_and_in_its_form_list_are_the_same(plan) -> None:
    outcomes = f"{S}/outcomes/my-outcomes"
    page = plan["rhys"].get(outcomes).text
    on_page = re.findall(r"Outcome (\d+) ·", page)
    listed = re.findall(
        r'<span class="block-list-title">Outcome (\d+)</span>',
        plan["rhys"].get(outcomes + "/blocks").text,
    )
    assert on_page == ["2", "3", "4", "5", "6"]
    assert listed == on_page
    form_list = plan["rhys"].get(outcomes + "/blocks").text
    assert "<ol" not in form_list.split('class="block-list"')[0][-5:], (
        "no second numbering beside them"
    )


# ---- the preview --------------------------------------------------------------------------------


def _token(client: TestClient, url: str) -> str:
    return csrf_of(client.get(url).text)


def test_the_preview_draws_the_text_as_a_save_would_and_saves_nothing(plan) -> None:
    rhys = plan["rhys"]
    url = f"{S}/about-me/my-new-page"
    token = _token(rhys, url + "/edit")
    shown = rhys.post(
        url + "/preview",
        data={
            "csrftoken": token,
            "body": "## Buses\n\n**42** and <script>x</script> [a](javascript:alert(1))",
        },
    )
    assert shown.status_code == 200
    assert "<h2" in shown.text and "<strong>42</strong>" in shown.text
    assert "<script" not in shown.text and 'href="javascript' not in shown.text
    assert rhys.get(url).status_code == 404, "nothing was saved"


def test_the_preview_is_only_for_people_who_may_edit(plan) -> None:
    body = {"body": "## Hello"}
    sami = plan["sami"]
    token = _token(sami, PROFILE)
    assert sami.post(PROFILE + "/preview", data={**body, "csrftoken": token}).status_code == 403
    assert sami.post(f"{S}/health/x/preview", data={**body, "csrftoken": token}).status_code == 404
    nobody = plan["nobody"]
    token = _token(nobody, "/login")
    assert nobody.post(PROFILE + "/preview", data={**body, "csrftoken": token}).status_code in (
        401,
        303,
    )


def test_preview_without_javascript_shows_the_form_again_with_the_preview(plan) -> None:
    rhys = plan["rhys"]
    url = f"{S}/about-me/another-new-page"
    form = rhys.get(url + "/edit").text
    assert 'value="preview"' in form and "data-editor-toolbar hidden" in form
    assert form.count("editor.js") == 1 and "<title>Editing Another new page ·" in form
    answer = rhys.post(url + "/edit", data={"csrftoken": csrf_of(form), "title": "Another", "body": "- buses\n- bread",
                                           "base": "", "action": "preview"})  # fmt: skip
    assert answer.status_code == 200
    assert "Preview: how the page will look" in answer.text and "<li>buses</li>" in answer.text
    assert "- buses\n- bread</textarea>" in answer.text, "the words stay in the box"
    assert rhys.get(url).status_code == 404, "nothing was saved"


# ---- recording ----------------------------------------------------------------------------------


def test_the_upload_limits_are_said_in_mb_from_the_settings_and_the_camera_may_be_asked(
    plan,
) -> None:
    answer = plan["rhys"].get(PROFILE)
    settings = Settings()
    assert f"A video can be up to {settings.max_video_mb} MB" in answer.text
    assert f"voice recording up to {settings.max_audio_mb} MB" in answer.text
    assert (
        '<input type="file" id="record-file" name="file" accept="video/*,audio/*" capture'
        in answer.text
    )
    assert "<progress" in answer.text
    assert "camera=(self)" in answer.headers["permissions-policy"]


def test_a_recording_over_the_video_limit_is_refused_on_the_server_in_mb(tmp_path: Path) -> None:
    """The limit said before recording is the one the server keeps (settings, in MB)."""
    app = create_app(Settings(db=tmp_path / "demo.db", synchronous="NORMAL", max_video_mb=5))
    demo.load(app.state.db)
    with TestClient(app, follow_redirects=False) as rhys:
        sign_in(rhys, *PASSWORDS["rhys"])
        page = rhys.get(PROFILE).text
        assert "A video can be up to 5 MB" in page
        # A WebM's signature, then just over 5 MB.
        webm = b"\x1a\x45\xdf\xa3" + b"\0" * (5 * 1024 * 1024 + 10)
        sent = rhys.post(PROFILE + "/attach", data={"csrftoken": csrf_of(page), "caption": "Too long"},
                         files={"file": ("my-video.webm", webm, "video/webm")})  # fmt: skip
        assert sent.status_code == 413
        assert "This video is too large: the limit is 5 MB." in sent.text
        assert "Too long" not in rhys.get(PROFILE).text, "nothing was kept"
