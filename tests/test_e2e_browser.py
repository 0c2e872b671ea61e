"""The demo in a real headless Chromium, against the real server (``planwiki serve --demo``):
sign in, read, edit, history, diff, a conflict between two people that loses no word,
axe on every page type, and screenshots at phone and desktop widths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
SLUG = SITE["slug"]
PROFILE = f"/s/{SLUG}/about-me/one-page-profile"
MUM = next(p for p in CIRCLE if p["relationship"] == "mum")
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def demo(demo_server):
    yield demo_server
    # Stop it here too, so its output pipe can be closed (an open pipe is a ResourceWarning).
    stop_server(demo_server)
    if demo_server.process.stdout:
        demo_server.process.stdout.close()


@pytest.fixture(scope="module")
def person(browser, demo):
    """Signed-in browser pages, one per (person, width), made once for this module."""
    made: dict[tuple[str, str], object] = {}
    contexts = []

    def get(who: str, width: str = "desktop"):
        if (who, width) not in made:
            context = browser.new_context(viewport=WIDTHS[width])
            contexts.append(context)
            page = context.new_page()
            account = OWNER if who == "rhys" else MUM
            sign_in_page(page, demo.url, account["email"], account["password"], next_path="/")
            made[(who, width)] = page
        return made[(who, width)]

    yield get
    for context in contexts:
        context.close()


def shoot(page, name: str, width: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}-{WIDTHS[width]['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}: {violations}"


def body_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def make_conflict(mine, theirs, base: str, *, my_line: str, their_line: str) -> str:
    """Both open the edit form; they save first; I save second. Returns what I typed."""
    mine.goto(base + PROFILE + "/edit")
    theirs.goto(base + PROFILE + "/edit")
    assert mine.input_value("input[name=base]") == theirs.input_value("input[name=base]")
    theirs.fill("#body", theirs.input_value("#body") + "\n" + their_line)
    with theirs.expect_navigation():
        theirs.get_by_role("button", name="Save", exact=True).click()
    assert theirs.url.startswith(base + PROFILE + "?saved=")
    typed = mine.input_value("#body") + "\n" + my_line
    mine.fill("#body", typed)
    with mine.expect_navigation():
        mine.get_by_role("button", name="Save", exact=True).click()
    return typed


def make_clash(mine, theirs, base: str, *, width: str) -> None:
    """Both change the page's first line, differently; they save first (issue #26)."""
    mine.goto(base + PROFILE + "/edit")
    theirs.goto(base + PROFILE + "/edit")
    for who, words in ((theirs, "Claire's first line"), (mine, "My first line")):
        body = who.input_value("#body").split("\n")
        who.fill("#body", "\n".join([f"{words} at {width} width.", *body[1:]]))
        with who.expect_navigation():
            who.get_by_role("button", name="Save", exact=True).click()


def choose_and_save(page, base: str) -> None:
    page.locator("input[value=both]").first.check()
    with page.expect_navigation():
        page.locator("main form.clash-form button[type=submit]").click()
    assert page.url.startswith(base + PROFILE + "?saved=")


# ---- the stories --------------------------------------------------------------------------


def test_sign_in_through_the_form_and_read_the_one_page_profile(browser, demo) -> None:
    context = browser.new_context(viewport=WIDTHS["desktop"])
    try:
        page = context.new_page()
        page.goto(demo.url + f"/s/{SLUG}")
        assert "/login" in page.url, "signed-out visitors are asked to sign in"
        page.fill("#email", OWNER["email"])
        page.fill("#password", OWNER["password"])
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert page.url == demo.url + f"/s/{SLUG}", "and are taken back where they were going"
        assert page.get_by_role("heading", level=1).inner_text() == SITE["title"]

        page.get_by_role("navigation", name="Sections of this plan").get_by_role(
            "link", name="About me"
        ).click()
        page.get_by_role("link", name="My one-page profile").first.click()
        assert page.url == demo.url + PROFILE
        assert page.get_by_role("heading", level=1).inner_text() == "My one-page profile"
        words = body_text(page)
        assert "What people like and admire about me" in words
        assert "I know every bus route in Hollinsford" in words
    finally:
        context.close()


def test_wrong_password_in_the_browser_says_so_and_signs_nobody_in(browser, demo) -> None:
    context = browser.new_context(viewport=WIDTHS["desktop"])
    try:
        page = context.new_page()
        page.goto(demo.url + "/login")
        page.fill("#email", OWNER["email"])
        page.fill("#password", "not-my-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "do not match" in page.get_by_role("alert").inner_text()
        assert not any(c["name"] == "planwiki_session" for c in context.cookies())
    finally:
        context.close()


def test_edit_and_save_then_see_it_in_history_and_the_diff(person, demo) -> None:
    page = person("rhys")
    page.goto(demo.url + PROFILE)
    # A page made of blocks opens its form first; the text is the second choice (issue #16).
    page.get_by_role("link", name="Edit as text", exact=True).click()
    assert page.url == demo.url + PROFILE + "/edit"
    before = page.input_value("#body")
    page.fill("#body", before + "\n- I can make focaccia now.")
    page.fill("#summary", "Added focaccia")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    assert page.url.startswith(demo.url + PROFILE + "?saved=")
    assert "I can make focaccia now." in body_text(page)

    page.get_by_role("link", name="History", exact=True).click()
    newest = page.locator("table.history tbody tr").first
    assert "Added focaccia" in newest.inner_text()
    assert OWNER["name"] in newest.inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="Compare the chosen versions").click()
    assert "/diff?" in page.url
    # The profile's diff reads as words; the line outside its block is "Page text" (issue #16).
    added = " ".join(page.locator(".word-diff ins").all_inner_texts())
    assert "focaccia" in added


def test_two_people_editing_at_once_lose_no_word(person, demo) -> None:
    rhys, claire = person("rhys"), person("claire")
    rhys_line = "- Sami and I are saving up for a bus rover ticket."
    claire_line = "- He likes to know the plan for the day before breakfast."

    make_conflict(claire, rhys, demo.url, my_line=claire_line, their_line=rhys_line)

    # Issue #26: nothing clashed (they added different lines), so both are simply saved.
    assert claire.url.startswith(demo.url + PROFILE + "?saved="), body_text(claire)[:1500]
    assert "Rhys Marsden also changed this page. Both changes are kept." in body_text(claire)

    rhys.goto(demo.url + PROFILE)
    words = body_text(rhys)
    assert "bus rover ticket" in words and "plan for the day before breakfast" in words


# ---- accessibility and screenshots of every page type ------------------------------------


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_type_has_no_axe_violations_and_is_photographed(
    browser, person, demo, width: str
) -> None:
    base = demo.url
    # Signed out: the welcome page and the sign-in form.
    context = browser.new_context(viewport=WIDTHS[width])
    try:
        anon = context.new_page()
        anon.goto(base + "/login")
        assert_accessible(anon, "login")
        shoot(anon, "login", width)
        anon.goto(base + "/")
        assert_accessible(anon, "welcome")
        shoot(anon, "welcome", width)
    finally:
        context.close()

    page = person("rhys", width)
    for name, path in [
        ("home", "/"),
        ("site-home", f"/s/{SLUG}"),
        ("section", f"/s/{SLUG}/about-me"),
        ("page", PROFILE),
        ("edit", PROFILE + "/edit"),
        ("history", PROFILE + "/history"),
        ("diff", PROFILE + "/diff?from=1&to=2"),
        ("revision", PROFILE + "/revisions/1"),
        ("missing-page", f"/s/{SLUG}/about-me/not-written-yet"),
        ("not-found", "/s/nobody-here"),
    ]:
        response = page.goto(base + path)
        assert response is not None and response.status in (200, 404), (
            name,
            response and response.status,
        )
        assert_accessible(page, name)
        shoot(page, name, width)

    other = person("claire", width)
    make_clash(page, other, base, width=width)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose what to keep"
    assert_accessible(page, "conflict")
    shoot(page, "conflict", width)
    choose_and_save(page, base)


def test_pages_fit_a_phone_screen_without_sideways_scrolling(person, demo) -> None:
    page = person("rhys", "phone")
    for path in (f"/s/{SLUG}", f"/s/{SLUG}/about-me", PROFILE, PROFILE + "/edit", PROFILE + "/history",
                 PROFILE + "/diff?from=1&to=2"):  # fmt: skip
        page.goto(demo.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"


def test_on_a_phone_the_history_shows_who_and_what_changed_without_sideways_scrolling(
    person, demo
) -> None:
    page = person("rhys", "phone")
    page.goto(demo.url + PROFILE + "/history")
    width = page.viewport_size["width"]
    for label, column in (("Who and when", 4), ("What changed", 5)):
        cell = page.locator(f"table.history tbody tr:first-child td:nth-of-type({column - 1})")
        box = cell.bounding_box()
        assert box is not None, label
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"“{label}” of the newest version is at x={box['x']:.0f}..{box['x'] + box['width']:.0f},"
            f" outside the {width}px screen: it can only be seen by scrolling the table sideways"
        )


def test_pages_work_without_javascript(browser, demo) -> None:
    context = browser.new_context(viewport=WIDTHS["desktop"], java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_page(page, demo.url, OWNER["email"], OWNER["password"], next_path=PROFILE)
        assert page.url == demo.url + PROFILE
        page.goto(demo.url + PROFILE + "/edit")
        page.fill("#body", page.input_value("#body") + "\n- Written with JavaScript turned off.")
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert "Written with JavaScript turned off." in body_text(page)
    finally:
        context.close()


def test_the_keyboard_alone_reaches_the_skip_link_first(person, demo) -> None:
    page = person("rhys")
    page.goto(demo.url + PROFILE)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
