"""How I read in a real headless Chromium against the demo server (issue #16): Rhys, the
young person, switches easy read and large text on for himself on his phone, keyboard only,
with JavaScript on and off, and his mum's view does not change; axe (WCAG 2.2 tags) finds
nothing in any look or text size on the plan home, a page and the form; read aloud says why
when the browser has no voices, and reads the main words when it has."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import axe_violations, sign_in_page

from wiki import accounts
from wiki.db import Database
from wiki.demo_content import CIRCLE, OWNER, SITE
from wiki.models import Actor, Preferences
from wiki.routes.common import READING_COOKIE
from wiki.store import links
from wiki.templates import available_themes

pytestmark = pytest.mark.browser

S = f"/s/{SITE['slug']}"
PROFILE = f"{S}/about-me/one-page-profile"
MUM = next(p for p in CIRCLE if p["relationship"] == "mum")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def demo(demo_server) -> Iterator[object]:
    """The shared demo server; everyone's reading choices are cleared again afterwards, so
    the other browser tests see the demo as it was."""
    yield demo_server
    db = Database(demo_server.db_path)
    with db.write():
        db.execute("UPDATE users SET preferences = NULL")


def set_choices(demo, email: str, prefs: Preferences) -> None:
    """Straight into the demo's database: for the tests that are about the pages, not the form."""
    db = Database(demo.db_path)
    user = accounts.find_user(db, email)
    assert user is not None
    who = Actor(user_id=user.id, email=user.email, name=user.name)
    accounts.set_preferences(db, who, prefs, themes=available_themes())


def signed_in(browser, demo, account: dict[str, str], **options):
    context = browser.new_context(**{"viewport": PHONE, **options})
    page = context.new_page()
    sign_in_page(page, demo.url, account["email"], account["password"])
    return context, page


def body_classes(page) -> set[str]:
    return set(str(page.get_attribute("body", "class")).split())


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


def until(page, script: str, *, seconds: float = 5) -> None:
    """Wait for ``script`` to be true (wait_for_function evaluates a string, which the CSP forbids)."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {script}")


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


# ---- Rhys chooses for himself, keyboard only, on his phone ----------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_rhys_switches_easy_read_and_large_text_on_for_himself_by_keyboard_on_his_phone(
    browser, demo, javascript: bool
) -> None:
    set_choices(demo, OWNER["email"], Preferences())
    context, page = signed_in(browser, demo, OWNER, java_script_enabled=javascript)
    mum_context, mum = signed_in(browser, demo, MUM)
    try:
        page.goto(demo.url + PROFILE)
        assert not {"text-large", "easy-read"} & body_classes(page)
        # On a phone "How I read" is in the Menu (issue #16, phone first): open it by keyboard.
        tab_to(page, "details.menu > summary")
        page.keyboard.press("Enter")
        tab_to(page, "a.reading-link")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/account/reading?back={PROFILE}")
        assert page.get_by_role("heading", level=1).inner_text() == "How I read"

        tab_to(page, "input[name=text_size]")  # the checked one: Normal
        page.keyboard.press("ArrowDown")  # Big
        assert page.is_checked("#size-large")
        tab_to(page, "#easy_read")
        page.keyboard.press("Space")
        assert page.is_checked("#easy_read")
        tab_to(page, "button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")

        status = page.get_by_role("status").first.inner_text()
        assert "Saved." in status and "Pages now look the way you chose." in status
        assert {"text-large", "easy-read"} <= body_classes(page)
        fits(page)
        if javascript:  # axe is a script: it runs only where scripts do
            assert axe_violations(page) == []
        tab_to(page, "a[href='" + PROFILE + "']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(PROFILE)
        assert {"text-large", "easy-read"} <= body_classes(page)
        fits(page)
        root = page.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert root == "20px", "big text: the root grows, so everything in rem grows with it"

        mum.goto(demo.url + PROFILE)
        assert not {"text-large", "easy-read"} & body_classes(mum), "his mum's view is unchanged"
        assert mum.evaluate("getComputedStyle(document.documentElement).fontSize") == "16px"
    finally:
        context.close()
        mum_context.close()
        set_choices(demo, OWNER["email"], Preferences())


def test_a_mistake_on_the_form_is_explained_and_nothing_chosen_is_lost(browser, demo) -> None:
    context, page = signed_in(browser, demo, OWNER, java_script_enabled=False)
    try:
        page.goto(demo.url + "/account/reading")
        page.check("#theme-own-colours")
        page.check("#colours-custom")
        page.fill("#text_colour", "#777777")
        page.fill("#background_colour", "#888888")
        page.check("#read_aloud")
        with page.expect_navigation():
            page.get_by_role("button", name="Save how I read").click()
        alert = page.get_by_role("alert").inner_text()
        assert "hard to read" in alert and "Nothing has been saved yet" in alert
        assert page.is_checked("#theme-own-colours") and page.is_checked("#read_aloud")
        assert page.input_value("#text_colour") == "#777777"
        assert "own-colours" not in body_classes(page)
        page.get_by_role("link", name=re.compile("hard to read")).click()
        assert page.evaluate("location.hash") == "#colours-custom", "to the choice to fix"
        fits(page)
    finally:
        context.close()


def test_a_guest_link_reader_chooses_high_contrast_for_this_phone_only(browser, demo) -> None:
    db = Database(demo.db_path)
    owner = accounts.find_user(db, OWNER["email"])
    assert owner is not None
    rhys = Actor(user_id=owner.id, email=owner.email, name=owner.name)
    link = links.create_guest_link(db, rhys, site=SITE["slug"], section="about-me",
                                   label="Reading choices test")  # fmt: skip
    url = f"/g/{link.token}/about-me/one-page-profile"
    reader, other = browser.new_context(viewport=PHONE), browser.new_context(viewport=PHONE)
    try:
        page = reader.new_page()
        page.goto(demo.url + url)
        page.get_by_text("Menu", exact=True).click()  # on a phone it is in the Menu
        with page.expect_navigation():
            page.get_by_role("link", name="How I read").click()
        assert "kept on this phone or computer only" in page.inner_text("main")
        page.check("#theme-high-contrast")
        page.check("#size-larger")
        with page.expect_navigation():
            page.get_by_role("button", name="Save how I read").click()
        assert "Saved." in page.get_by_role("status").first.inner_text()
        cookie = next(c for c in reader.cookies() if c["name"] == READING_COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        with page.expect_navigation():
            page.get_by_role("link", name="Go back to where I was").click()
        assert page.url == demo.url + url
        assert {"theme-high-contrast", "text-larger"} <= body_classes(page)
        assert axe_violations(page) == []
        fits(page)
        stranger = other.new_page()
        stranger.goto(demo.url + url)
        assert body_classes(stranger) == {"theme-default"}, "another reader of the link: unchanged"
    finally:
        reader.close()
        other.close()
        assert link.id is not None
        links.revoke_guest_link(db, rhys, site=SITE["slug"], link_id=link.id)


# ---- axe in every look and text size -----------------------------------------------------------


LOOKS = {
    "default": Preferences(theme="default"),
    "high-contrast": Preferences(theme="high-contrast"),
    "large-text": Preferences(theme="large-text"),
    "own-colours-dark": Preferences(theme="own-colours", text_colour="#ffffff",
                                    background_colour="#0b2e59"),
    "own-colours-light": Preferences(theme="own-colours", text_colour="#3b2412",
                                     background_colour="#fde3cf"),
}  # fmt: skip


@pytest.mark.parametrize("look", list(LOOKS))
def test_every_look_and_text_size_passes_axe_and_fits_a_phone(browser, demo, look: str) -> None:
    context, page = signed_in(browser, demo, OWNER)
    try:
        for size, viewport in (("normal", DESKTOP), ("larger", PHONE), ("large", PHONE)):
            chosen = LOOKS[look].model_copy(update={"text_size": size, "easy_read": True})
            set_choices(demo, OWNER["email"], chosen)
            page.set_viewport_size(viewport)
            for url in (S, PROFILE, "/account/reading"):
                page.goto(demo.url + url)
                classes = body_classes(page)
                assert f"theme-{chosen.theme}" in classes and "easy-read" in classes
                assert (f"text-{size}" in classes) == (size != "normal")
                assert axe_violations(page) == [], (look, size, url)
                fits(page)
    finally:
        context.close()
        set_choices(demo, OWNER["email"], Preferences())


# ---- read aloud --------------------------------------------------------------------------------


def test_read_aloud_says_why_when_the_browser_has_no_voices(browser, demo) -> None:
    """Headless Chromium has speech but no voices: the button stays and says so."""
    set_choices(demo, OWNER["email"], Preferences(read_aloud=True))
    context, page = signed_in(browser, demo, OWNER)
    try:
        page.goto(demo.url + PROFILE)
        assert page.evaluate("speechSynthesis.getVoices().length") == 0
        button = page.get_by_role("button", name="Read this page aloud")
        button.wait_for()
        until(page, "document.querySelector('.read-aloud-note').textContent !== ''")
        note = page.locator(".read-aloud-note")
        assert "no voices to read with" in note.inner_text()
        assert button.get_attribute("aria-describedby") == "read-aloud-why"
        tab_to(page, ".read-aloud-bar button")
        page.keyboard.press("Enter")
        until(page, "document.querySelector('.read-aloud-note').textContent !== ''")
        assert "no voices to read with" in note.inner_text(), "pressing it says why again"
        assert axe_violations(page) == []
        fits(page)
    finally:
        context.close()
    # without JavaScript there is no button at all
    context, page = signed_in(browser, demo, OWNER, java_script_enabled=False)
    try:
        page.goto(demo.url + PROFILE)
        assert page.get_by_role("button", name="Read this page aloud").count() == 0
    finally:
        context.close()
        set_choices(demo, OWNER["email"], Preferences())


# A stand-in for the browser's speech: voices that arrive a moment after the page loads (as
# in Chromium), and a record of what it was asked to say.
STUB = """
(() => {
  const calls = [];
  let voices = [];
  const listeners = [];
  window.__speech = calls;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const stub = {
    getVoices: () => voices,
    speak: (u) => calls.push(['speak', u.text, u.lang]),
    cancel: () => calls.push(['cancel']),
    pause: () => calls.push(['pause']),
    resume: () => calls.push(['resume']),
    addEventListener: (name, fn) => { if (name === 'voiceschanged') listeners.push(fn); },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: stub, configurable: true});
  setTimeout(() => {
    voices = [{name: 'Test voice', lang: 'en-GB', default: true}];
    listeners.forEach((fn) => fn(new Event('voiceschanged')));
  }, 300);
})();
"""


def test_pressing_read_aloud_speaks_the_main_words_and_can_pause_and_stop(browser, demo) -> None:
    set_choices(demo, OWNER["email"], Preferences(read_aloud=True))
    context, page = signed_in(browser, demo, OWNER)
    try:
        page.add_init_script(STUB)
        page.goto(demo.url + PROFILE)
        until(page, "speechSynthesis.getVoices().length > 0")
        tab_to(page, ".read-aloud-bar button")
        page.keyboard.press("Enter")
        spoken = page.evaluate("window.__speech")
        said = " ".join(call[1] for call in spoken if call[0] == "speak")
        assert said, spoken
        assert "My one-page profile" in said
        first_words = page.locator("main .block p, main .content p").first.inner_text().strip()
        assert first_words[:40] in said
        assert "Read this page aloud" not in said and "Stop reading" not in said
        assert "History" not in said, "not the page's buttons"
        assert ".." not in said
        assert "You are here" not in said and not said.startswith(SITE["title"])
        assert all(call[2] == "en-GB" for call in spoken if call[0] == "speak")

        pause = page.get_by_role("button", name="Pause")
        assert pause.evaluate("el => el === document.activeElement"), "focus stays on the button"
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Carry on reading").wait_for()
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Pause").wait_for()
        page.get_by_role("button", name="Stop reading").click()
        page.get_by_role("button", name="Read this page aloud").wait_for()
        calls = [call[0] for call in page.evaluate("window.__speech")]
        assert calls.count("pause") == 1 and calls.count("resume") == 1
        assert calls[-1] == "cancel"
        assert page.get_by_role("button", name="Stop reading").count() == 0
        assert axe_violations(page) == []
    finally:
        context.close()
        set_choices(demo, OWNER["email"], Preferences())


def test_read_aloud_is_offered_only_to_people_who_chose_it(browser, demo) -> None:
    set_choices(demo, OWNER["email"], Preferences(read_aloud=True))
    context, page = signed_in(browser, demo, MUM)
    try:
        page.add_init_script(STUB)
        page.goto(demo.url + PROFILE)
        until(page, "speechSynthesis.getVoices().length > 0")
        assert page.locator(".read-aloud-bar").count() == 0
        assert page.locator("script[src$='read-aloud.js']").count() == 0
    finally:
        context.close()
        set_choices(demo, OWNER["email"], Preferences())
