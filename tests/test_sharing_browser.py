"""Sharing and the easy-read log in a real browser (issue #14), at 390 px and 1280 px:
the three steps by keyboard alone from the plan home (the steps counted), who can see what
with nothing wider than the screen, take back and undo, invitations waiting, the log with
"stop sharing"; axe (WCAG 2.2 tags) on every page; screenshots in ``$SHOTS`` (default
``/tmp/planwiki-shots``) to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import axe_violations, start_server, stop_server
from test_sharing_flows import DEMO_SITE, RHYS, SAMI, browser_sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS", "/tmp/planwiki-shots"))
WIDTHS = {"phone": 390, "desktop": 1280}

# Elements wider than the screen (or poking out of it), ignoring the visually hidden and
# what sits inside a sideways scroller that itself fits (the section strip on phones).
TOO_WIDE = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (s.position === 'absolute' && r.width <= 1) continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    let clipped = false;  // inside a scroller (the section strip on phones): the scroller is checked itself
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
    if (clipped) continue;
    if (r.width > 0 && (r.right > w + 1 || r.left < -1)) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, width: w, out: out.slice(0, 8)};
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A demo of our own: these journeys change the sharing."""
    server = start_server(Path(tmp_path_factory.mktemp("share-ux")) / "demo.db", demo=True)
    yield server
    stop_server(server)


def look(page, name: str) -> None:
    """Axe clean, nothing wider than the screen, and a screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    wide = page.evaluate(TOO_WIDE)
    assert wide["scroll"] <= wide["width"] and wide["out"] == [], (name, wide)


def tab_to(page, test: str, *, most: int = 60) -> int:
    """Press Tab until the focused element passes ``test`` (JS on ``el``); returns presses."""
    for n in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            return n
    raise AssertionError(f"never reached {test}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_three_steps_from_the_plan_home_by_keyboard_alone(browser, demo, size):
    base, width = demo.url, WIDTHS[size]
    owner = browser.new_context(viewport={"width": width, "height": 900})
    friend = browser.new_context()
    section = "outcomes" if size == "phone" else "health"
    try:
        sami = browser_sign_in(friend, base, SAMI)
        assert sami.goto(f"{base}/s/{DEMO_SITE}/{section}").status == 404
        rhys = browser_sign_in(owner, base, RHYS)
        rhys.goto(f"{base}/s/{DEMO_SITE}")
        loads, choices = 0, 0
        # Step 0: "Share my plan" on the plan home (keyboard: Tab to it, Enter) — page load 1
        tab_to(rhys, "el.textContent.trim() === 'Share my plan'")
        with rhys.expect_navigation():
            rhys.keyboard.press("Enter")
        loads += 1
        look(rhys, f"steps-form-{size}")
        # Step 1: who — the first radio, then arrow keys to Sami
        tab_to(rhys, "el.name === 'who'")
        for _ in range(20):
            if "Sami" in rhys.evaluate("document.activeElement.parentElement.textContent"):
                break
            rhys.keyboard.press("ArrowDown")
        rhys.keyboard.press("Space")
        choices += 1
        # Step 2: which parts — Tab to the box, Space ticks it
        tab_to(rhys, f"el.name === 'sections' && el.value === '{section}'")
        rhys.keyboard.press("Space")
        choices += 1
        # Step 3: read (already chosen) — Tab on to Share, Enter — page load 2
        tab_to(rhys, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Share'")
        with rhys.expect_navigation():
            rhys.keyboard.press("Enter")
        loads += 1
        title = {"outcomes": "Outcomes", "health": "Health"}[section]
        assert (
            rhys.get_by_role("status").inner_text().strip() == f"Sami Haddad can now read {title}."
        )
        assert rhys.get_by_role("link", name="See it as Sami Haddad").count() == 1
        assert rhys.get_by_role("button", name="Undo").count() == 1
        look(rhys, f"steps-done-{size}")
        assert (loads, choices) == (2, 2)  # two page loads; two choices (read is the default)
        assert sami.goto(f"{base}/s/{DEMO_SITE}/{section}").status == 200

        # Undo, right there: one press
        tab_to(rhys, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Undo'")
        with rhys.expect_navigation():
            rhys.keyboard.press("Enter")
        assert f"Sami Haddad can no longer see {title}." in rhys.get_by_role("status").inner_text()
        assert sami.goto(f"{base}/s/{DEMO_SITE}/{section}").status == 404
    finally:
        owner.close()
        friend.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_who_can_see_what_shows_everything_and_takes_back_in_one_click(browser, demo, size):
    base = demo.url
    owner = browser.new_context(viewport={"width": WIDTHS[size], "height": 900})
    try:
        rhys = browser_sign_in(owner, base, RHYS)
        rhys.goto(f"{base}/s/{DEMO_SITE}/sharing")
        look(rhys, f"sharing-{size}")
        text = rhys.locator("main").inner_text()
        assert "@" not in text
        cards = rhys.locator(".person-card")
        assert cards.count() >= 6
        for i in range(cards.count()):  # every card fully on screen
            box = cards.nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[size]
        first = rhys.get_by_role("button", name="Take back").first
        label = first.inner_text().split(":", 1)[-1].strip()  # "Sami Haddad can read About me"
        with rhys.expect_navigation():
            first.click()  # one click
        said = rhys.get_by_role("status").inner_text()
        assert "can no longer see" in said and label.split(" can ")[0] in said
        look(rhys, f"took-back-{size}")
        with rhys.expect_navigation():
            rhys.get_by_role("button", name="Undo").click()
        assert "can now" in rhys.get_by_role("status").inner_text()
    finally:
        owner.close()


def test_inviting_someone_new_lists_the_invitation_with_cancel_and_resend(browser, demo):
    base = demo.url
    owner = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        rhys = browser_sign_in(owner, base, RHYS)
        rhys.goto(f"{base}/s/{DEMO_SITE}/sharing/new")
        rhys.get_by_label("Someone new").check()
        rhys.get_by_label("Their name").fill("Ellie from drama")
        rhys.get_by_label("Their email address").fill("ellie@example.org")
        rhys.get_by_label("About me").check()
        rhys.get_by_label("Read it and help write it").check()
        with rhys.expect_navigation():
            rhys.get_by_role("button", name="Share", exact=True).click()
        assert "When Ellie from drama accepts, they can read and help write About me." in (
            rhys.get_by_role("status").inner_text()
        )
        rhys.goto(f"{base}/s/{DEMO_SITE}/sharing")
        waiting = rhys.locator(
            "section", has=rhys.get_by_role("heading", name="Invitations waiting")
        )
        assert "Ellie from drama" in waiting.inner_text() and "@" not in waiting.inner_text()
        look(rhys, "invitations-phone")
        with rhys.expect_navigation():
            waiting.get_by_role("button", name="Send again to Ellie from drama").click()
        assert "again" in rhys.get_by_role("status").inner_text()
        with rhys.expect_navigation():
            rhys.get_by_role("button", name="Cancel the invitation to Ellie from drama").click()
        assert "cancelled" in rhys.get_by_role("status").inner_text()
    finally:
        owner.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_easy_read_log_by_person_and_day_with_stop_sharing(browser, demo, size):
    base = demo.url
    owner, friend = (
        browser.new_context(viewport={"width": WIDTHS[size], "height": 900}),
        browser.new_context(),
    )
    try:
        sami = browser_sign_in(friend, base, SAMI)
        sami.goto(f"{base}/s/{DEMO_SITE}/about-me")
        with sami.expect_navigation():
            sami.locator("main a[href*='/about-me/']").first.click()
        page_title = sami.get_by_role("heading", level=1).inner_text()
        rhys = browser_sign_in(owner, base, RHYS)
        rhys.goto(f"{base}/s/{DEMO_SITE}/about-me/{sami.url.rsplit('/', 1)[1]}")
        rhys.goto(f"{base}/s/{DEMO_SITE}/audit")
        look(rhys, f"log-{size}")
        text = rhys.locator("main").inner_text()
        assert f"Sami Haddad looked at “{page_title}” in About me" in text
        assert "Rhys" not in text.split("A weekly email")[0].replace(
            "Rhys's", ""
        )  # own views hidden
        assert "@" not in text and ".wav" not in text
        assert rhys.get_by_role("button", name="Stop sharing with Sami Haddad").count() == 1
        rhys.get_by_role("link", name="Show what I did too").click()
        assert (
            f"Rhys Marsden looked at “{page_title}” in About me"
            in rhys.locator("main").inner_text()
        )
    finally:
        owner.close()
        friend.close()
