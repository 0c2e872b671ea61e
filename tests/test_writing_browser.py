"""Writing a plan the young person's way, in a real headless Chromium (issue #16).

Rhys (the demo's young person) writes his one-page profile with the form on a phone,
with the keyboard alone; the same form works with JavaScript off; the page-text editor's
toolbar and preview work by keyboard, and the plain box works without JavaScript; a
video is recorded with Chromium's fake camera and attached; the diff reads as words.
axe (WCAG 2.2 tags) finds nothing on the editor and form pages. Screenshots go to
/work/shots/writing/ when that folder exists (tests/screenshots/ otherwise)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    sign_in_page,
    start_server,
    stop_server,
)

from wiki.demo_content import OWNER, SITE

pytestmark = pytest.mark.browser

S = f"/s/{SITE['slug']}"
PROFILE = f"{S}/about-me/one-page-profile"
TEXT_PAGE = f"{S}/health/my-health"  # a page of plain text, no blocks
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = (
    Path("/work/shots/writing")
    if Path("/work/shots/writing").is_dir()
    else Path(__file__).parent / "screenshots"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A demo server of our own: these tests save pages and attach a video."""
    server = start_server(Path(tmp_path_factory.mktemp("writing-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


def shoot(page, name: str, *, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=full)


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def focused(page) -> str:
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " if (!e) return ''; if (e.id) return e.id;"
            " return ['A', 'BUTTON', 'SUMMARY'].includes(e.tagName) ? e.textContent.trim() : (e.getAttribute('name') || ''); }"
        )
    )


def tab_to(page, wanted: str, *, back: bool = False, most: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the element with this id, name or text has focus."""
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page) == wanted:
            return
    raise AssertionError(f"never reached {wanted!r} with the keyboard")


def sign_in_by_keyboard(page, base: str) -> None:
    page.goto(base + "/login")
    tab_to(page, "email")
    page.keyboard.type(OWNER["email"])
    page.keyboard.press("Tab")
    assert focused(page) == "password"
    page.keyboard.type(OWNER["password"])
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, base: str) -> None:
    sign_in_page(page, base, OWNER["email"], OWNER["password"])


# ---- the one-page profile, with the form ---------------------------------------------------------


def test_rhys_writes_his_profile_with_the_form_on_a_phone_using_only_the_keyboard(
    browser, demo
) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in_by_keyboard(page, demo.url)
        page.goto(demo.url + PROFILE)
        tab_to(page, "Edit")  # the main Edit button opens the form
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == demo.url + PROFILE + "/block/0"
        assert page.get_by_role("heading", level=1).inner_text() == "Edit the one-page profile"
        assert axe_violations(page) == []
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the form scrolls sideways by {overflow}px on a phone"
        shoot(page, "profile-form")

        tab_to(page, "f-important_to_me")
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type("Going swimming on Saturdays with Sami")
        tab_to(page, "f-summary")
        page.keyboard.type("Added swimming")
        page.keyboard.press("Tab")
        assert focused(page) == "Save"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.startswith(demo.url + PROFILE + "?saved=")  # "Saved ✓" (issue #26)
        assert "Going swimming on Saturdays with Sami" in main_text(page)

        # His change reads as words in the history's diff.
        page.goto(demo.url + PROFILE + "/diff")
        words = main_text(page)
        assert "What is important to me: added “Going swimming on Saturdays with Sami”" in words
        assert axe_violations(page) == []
        shoot(page, "word-diff")
    finally:
        context.close()


def test_the_profile_form_works_with_javascript_off(browser, demo) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, demo.url)
        page.goto(demo.url + PROFILE)
        with page.expect_navigation():
            page.get_by_role("link", name="Edit", exact=True).click()
        page.fill(
            "#f-how_to_support_me",
            page.input_value("#f-how_to_support_me") + "\nText me the plan for the day.",
        )
        # "Add another" and Save are ordinary buttons: no script needed.
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert page.url.startswith(demo.url + PROFILE + "?saved=")  # "Saved ✓" (issue #26)
        assert "Text me the plan for the day." in main_text(page)
    finally:
        context.close()


# ---- the page-text editor ------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_toolbar_and_preview_work_by_keyboard_and_say_what_they_did(
    browser, demo, viewport
) -> None:
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        sign_in(page, demo.url)
        page.goto(demo.url + TEXT_PAGE)
        with page.expect_navigation():
            page.get_by_role("link", name="Edit", exact=True).click()
        assert page.url == demo.url + TEXT_PAGE + "/edit"
        toolbar = page.get_by_role("group", name="Change the text")
        assert toolbar.is_visible()
        names = [b.inner_text() for b in toolbar.get_by_role("button").all()]
        assert names == ["Heading", "Bold", "List", "Link", "Photo"]
        assert page.locator("[data-nojs-preview]").is_hidden(), "the tabs replace the reload button"

        page.focus("#body")
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type("I like the 42 bus")
        page.keyboard.press("Shift+Home")  # choose the line just typed
        tab_to(page, "Bold", back=True)
        page.keyboard.press("Enter")
        assert page.input_value("#body").endswith("**I like the 42 bus**")
        said = page.locator("[data-editor-said]")
        said.filter(has_text="now bold").wait_for(state="attached")
        assert focused(page) == "body", "the words keep the focus after a button"
        tab_to(page, "Heading", back=True)
        page.keyboard.press("Enter")
        assert page.input_value("#body").endswith("## **I like the 42 bus**")
        said.filter(has_text="now a heading").wait_for(state="attached")

        tab_to(page, "tab-write", back=True)
        page.keyboard.press("ArrowRight")
        assert focused(page) == "tab-preview"
        preview = page.locator("#panel-preview")
        preview.locator("h2", has_text="I like the 42 bus").wait_for()
        assert page.locator("#body").is_hidden()
        assert page.get_by_role("tab", name="Preview").get_attribute("aria-selected") == "true"
        assert axe_violations(page) == []
        shoot(page, "editor-preview")
        page.keyboard.press("ArrowLeft")
        assert focused(page) == "tab-write" and page.locator("#body").is_visible()
        page.keyboard.press("Tab")
        assert focused(page) == "Heading"
        assert axe_violations(page) == []
        shoot(page, "editor-toolbar")
        # The preview that reloads the page (for browsers without JavaScript) passes axe too.
        page.evaluate("document.querySelector('[data-nojs-preview]').hidden = false")
        with page.expect_navigation():
            page.locator("[data-nojs-preview]").click()
        assert page.locator(".editor-preview-nojs h2", has_text="I like the 42 bus").count() == 1
        assert axe_violations(page) == []
    finally:
        context.close()


def test_the_plain_text_box_and_a_reloading_preview_work_with_javascript_off(browser, demo) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, demo.url)
        page.goto(demo.url + TEXT_PAGE + "/edit")
        assert page.locator("[data-editor-toolbar]").is_hidden()
        assert page.locator("[data-editor-tabs]").is_hidden()
        page.fill("#body", page.input_value("#body") + "\n\n- Nan's bread on Sundays")
        with page.expect_navigation():
            page.get_by_role("button", name="Preview", exact=True).click()
        assert "Preview: how the page will look" in main_text(page)
        assert (
            page.locator(".editor-preview-nojs li", has_text="Nan's bread on Sundays").count() == 1
        )
        # (axe needs JavaScript: the same preview is checked with it on, above.)
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert page.url.startswith(demo.url + TEXT_PAGE + "?saved=")  # "Saved ✓" (issue #26)
        assert "Nan's bread on Sundays" in main_text(page)
    finally:
        context.close()


# ---- a video, recorded with the fake camera ------------------------------------------------------


@pytest.fixture(scope="module")
def camera_browser(browser) -> Iterator[object]:
    """Chromium with a fake camera and microphone that it may use without asking, started
    by the same Playwright as the session's browser (a second one cannot run beside it)."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
        ],
    )
    yield launched
    launched.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_rhys_records_two_seconds_of_video_and_finds_it_on_his_page(
    camera_browser, demo, viewport
) -> None:
    context = camera_browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        sign_in(page, demo.url)
        page.goto(demo.url + PROFILE)
        page.locator("summary", has_text="Record a video or your voice").click()
        box = page.locator("details.record-media")
        assert "A video can be up to 200 MB" in box.inner_text(), (
            "the limit is said before recording"
        )
        page.get_by_role("button", name="Record a video", exact=True).click()
        page.locator("[data-record-status]", has_text="Recording a video").wait_for()
        assert page.locator("[data-record-live]").is_visible(), (
            "a live, muted picture while recording"
        )
        assert page.evaluate("document.querySelector('[data-record-live]').muted") is True
        if viewport is DESKTOP:
            shoot(page, "recorder-live", full=False)
        page.wait_for_timeout(2000)
        page.get_by_role("button", name="Stop", exact=True).click()
        page.locator("[data-record-status]", has_text="Your video is ready").wait_for()
        assert page.locator("[data-record-preview-video]").is_visible()
        recorded = page.evaluate(
            "() => { const f = document.querySelector('#record-file').files[0];"
            " return [f.name, f.type, f.size]; }"
        )
        assert (
            recorded[0].startswith("my-video")
            and recorded[1].startswith("video/")
            and recorded[2] > 1000
        )
        # It plays back before it is added.
        ready, width = page.evaluate(
            """async () => { const v = document.querySelector('[data-record-preview-video]');
            if (v.readyState < 1) await new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}));
            return [v.readyState, v.videoWidth]; }"""
        )
        assert ready >= 1 and width > 0, "a picture, not only sound"
        caption = f"Me at the bus stop saying hello ({viewport['width']} px)"
        page.fill("#record-caption", caption)
        assert axe_violations(page) == []
        shoot(page, "recorder-ready")

        # Sent slowly, so the progress bar can be seen moving.
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20,
                                                       "downloadThroughput": -1, "uploadThroughput": 60_000})  # fmt: skip
        with page.expect_navigation(timeout=120_000):
            box.get_by_role("button", name="Add to this page").click()
            progress = box.locator("progress")
            progress.wait_for(state="visible")
            box.locator("[data-progress-words]", has_text="Sent").wait_for(timeout=60_000)
            if viewport is DESKTOP:
                shoot(page, "recorder-sending", full=False)
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                       "downloadThroughput": -1, "uploadThroughput": -1})  # fmt: skip
        assert page.url.startswith(demo.url + PROFILE)
        video = page.locator(f"video[aria-label='{caption}']")
        assert video.count() == 1
        src = video.get_attribute("src")
        assert src
        served = page.request.get(demo.url + src)
        assert served.status == 200
        assert served.headers["content-type"].startswith("video/webm")
        assert "sandbox" in served.headers["content-security-policy"]
        assert served.headers["x-content-type-options"] == "nosniff"
        assert re.search(rb"V_VP[89]", served.body()[:4096]), "the file holds a video track"
    finally:
        context.close()


def test_the_photo_button_puts_one_of_the_pages_photos_in_the_text(browser, demo) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, demo.url)
        page.goto(demo.url + PROFILE + "/edit")
        page.focus("#body")
        page.keyboard.press("Control+Home")
        tab_to(page, "Photo", back=True)
        page.keyboard.press("Enter")
        assert page.get_by_role("button", name="Photo").get_attribute("aria-expanded") == "true"
        chosen = focused(page)
        assert "My drawing of the 42 bus" in chosen, "the first photo is ready to press"
        assert axe_violations(page) == []
        page.keyboard.press("Enter")
        text = page.input_value("#body")
        assert re.match(
            r"!\[My drawing of the 42 bus[^\]]*\]\(/s/rhys-marsden/-/files/[^)]+\)\n", text
        )
        page.locator("[data-editor-said]").filter(has_text="Added the photo").wait_for(
            state="attached"
        )
        page.get_by_role("tab", name="Preview").click()
        picture = page.locator("#panel-preview img").first
        picture.wait_for()
        assert page.evaluate("document.querySelector('#panel-preview img').complete")
        assert page.evaluate("document.querySelector('#panel-preview img').naturalWidth") > 0
    finally:
        context.close()
