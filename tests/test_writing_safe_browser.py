"""Writing is safe (issue #26), walked in a real Chromium at 390 px, with JavaScript on
and off: a session that ends mid-edit, cookies cleared, two people adding different
lines, and the same line changed two ways. Screenshots of the clash form and the Saved
message at 390 and 1280 px go to /work/shots/writing-safe/ (tests/screenshots/ otherwise)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE

pytestmark = pytest.mark.browser

PROFILE = f"/s/{SITE['slug']}/about-me/one-page-profile"
FORM = PROFILE + "/block/0"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MUM = next(p for p in CIRCLE if p["relationship"] == "mum")
SHOTS = (
    Path("/work/shots/writing-safe")
    if Path("/work/shots/writing-safe").is_dir()
    else Path(__file__).parent / "screenshots"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    server = start_server(Path(tmp_path_factory.mktemp("safe-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request) -> bool:
    return bool(request.param)


def person(browser, demo, who: dict[str, Any], *, js: bool, size: dict[str, Any] = PHONE):
    context = browser.new_context(viewport=size, java_script_enabled=js)
    page = context.new_page()
    sign_in_page(page, demo.url, who["email"], who["password"])
    return context, page


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def shoot(page, name: str, *, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=full)


def lines(page, field: str) -> list[str]:
    return [x for x in page.input_value(f"#f-{field}").split("\n") if x.strip()]


def set_lines(page, field: str, values: list[str]) -> None:
    page.fill(f"#f-{field}", "\n".join(values))


def save(page) -> None:
    with page.expect_navigation():
        page.locator("main form.block-form button.button[value=save]").click()


def end_sessions(demo, email: str) -> None:
    """The session times out (as if the phone sat for hours): its time is up in the database."""
    with sqlite3.connect(demo.db_path) as db:
        db.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'"
                   " WHERE user_id = (SELECT id FROM users WHERE email = ?)", (email,))  # fmt: skip


def test_session_ended_mid_edit_the_words_come_back_after_signing_in(browser, demo, js) -> None:
    context, page = person(browser, demo, OWNER, js=js)
    try:
        page.goto(demo.url + FORM)
        line = f"Going to the bus museum with Nan ({'js' if js else 'no js'})"
        set_lines(page, "how_to_support_me", [*lines(page, "how_to_support_me"), line])
        end_sessions(demo, OWNER["email"])
        save(page)  # 1: Save
        assert "/login" in page.url
        page.fill("#email", OWNER["email"])
        page.fill("#password", OWNER["password"])
        with page.expect_navigation():
            page.locator("main button[type=submit]").first.click()  # 2: Sign in
        assert page.url.endswith(FORM + "?kept=1")
        assert "You were signed out. Your words are safe. Press Save." in main_text(page)
        assert line in lines(page, "how_to_support_me"), "his words are back in the form"
        no_sideways_scroll(page)
        save(page)  # 3: Save
        assert "Saved ✓" in main_text(page)
        assert line in main_text(page)
    finally:
        context.close()


def test_cookies_cleared_the_words_are_shown_back_and_kept_after_signing_in(
    browser, demo, js
) -> None:
    context, page = person(browser, demo, OWNER, js=js)
    try:
        page.goto(demo.url + FORM)
        line = f"Tell me the platform number ({'js' if js else 'no js'})"
        set_lines(page, "important_to_me", [*lines(page, "important_to_me"), line])
        context.clear_cookies()
        save(page)  # 1: Save
        assert "Your words are not saved yet" in main_text(page)
        assert line in main_text(page), "the words are shown back"
        assert "```" not in page.content() and "important_to_me:" not in main_text(page)
        no_sideways_scroll(page)
        if js:  # axe runs as a script in the page
            assert axe_violations(page) == []
        page.fill("#email", OWNER["email"])
        page.fill("#password", OWNER["password"])
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()  # 2: Sign in and keep my words
        assert page.url.endswith(FORM + "?kept=1")
        assert line in lines(page, "important_to_me")
        save(page)  # 3: Save
        assert "Saved ✓" in main_text(page) and line in main_text(page)
    finally:
        context.close()


def test_two_people_add_different_lines_both_are_saved_without_a_clash_page(
    browser, demo, js
) -> None:
    rhys_context, rhys = person(browser, demo, OWNER, js=js)
    mum_context, mum = person(browser, demo, MUM, js=js)
    try:
        rhys.goto(demo.url + FORM)
        mum.goto(demo.url + FORM)
        his, hers = f"Trains as well as buses ({js})", f"He likes a quiet table at lunch ({js})"
        set_lines(rhys, "like_and_admire", [*lines(rhys, "like_and_admire"), his])
        set_lines(mum, "how_to_support_me", [*lines(mum, "how_to_support_me"), hers])
        save(mum)
        save(rhys)  # saved second, from the same revision
        words = main_text(rhys)
        assert "Choose what to keep" not in words
        assert "Saved ✓ Mum also changed this page. Both changes are kept." in words
        assert his in words and hers in words
        status = rhys.locator("[role=status]").first
        assert status.is_visible() and status.bounding_box()["y"] < PHONE["height"]
        assert rhys.url.endswith("#what-people-like-and-admire-about-me")
        no_sideways_scroll(rhys)
        shoot(rhys, "saved", full=False)  # the first screen, as it opens
        if js:
            desktop = rhys_context.new_page()
            desktop.set_viewport_size(DESKTOP)
            desktop.goto(rhys.url)
            shoot(desktop, "saved", full=False)
            desktop.close()
    finally:
        rhys_context.close()
        mum_context.close()


def test_the_same_line_changed_two_ways_is_one_choice_in_words(browser, demo, js) -> None:
    rhys_context, rhys = person(browser, demo, OWNER, js=js)
    mum_context, mum = person(browser, demo, MUM, js=js)
    try:
        rhys.goto(demo.url + FORM)
        mum.goto(demo.url + FORM)
        first = lines(rhys, "important_to_me")
        his, hers = (
            f"My dog Pickle, my family, and Sami ({js})",
            f"My dog Pickle and all of us ({js})",
        )
        set_lines(mum, "important_to_me", [hers, *first[1:]])
        set_lines(rhys, "important_to_me", [his, *first[1:]])
        save(mum)
        save(rhys)
        words = main_text(rhys)
        assert "Choose what to keep" in words
        assert f"What you wrote {his}" in words and f"What Mum wrote {hers}" in words
        html = rhys.content()
        assert "```" not in html and "important_to_me" not in html and "<textarea" not in html
        no_sideways_scroll(rhys)
        if js:
            assert axe_violations(rhys) == []
        shoot(rhys, "clash")
        if js:
            rhys.set_viewport_size(DESKTOP)
            shoot(rhys, "clash")
            rhys.set_viewport_size(PHONE)
        # Keyboard only: to "Keep both", then Save.
        rhys.locator("input[value=mine]").first.focus()
        rhys.keyboard.press("ArrowDown")
        rhys.keyboard.press("ArrowDown")
        assert rhys.evaluate("document.activeElement.value") == "both"
        with rhys.expect_navigation():
            rhys.keyboard.press("Enter")
        words = main_text(rhys)
        assert "Saved ✓" in words and his in words and hers in words
        rhys.goto(demo.url + PROFILE + "/history")
        history = main_text(rhys)
        assert "Rhys" in history and "Claire" in history, "both versions are in the history"
    finally:
        rhys_context.close()
        mum_context.close()
