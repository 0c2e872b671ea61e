"""A new worker's first minutes in a real Chromium at 390 px (issue #23): Rhys makes the pack
with the form as it comes (two steps); Tom, his new PA, opens it on his phone and finds what
to do in an emergency and a number to call within the first two screens, the first five
minutes in a few lines, and tables he can read without scrolling sideways or words broken.
Screenshots: tests/screenshots/first-minutes-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
S = f"/s/{SITE['slug']}"
PHONE = {"width": 390, "height": 844}
TWO_SCREENS = 2 * 844
TOM = next(p for p in CIRCLE if p["relationship"] == "personal assistant")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    server = start_server(Path(tmp_path_factory.mktemp("first-minutes")) / "demo.db", demo=True)
    yield server
    stop_server(server)


def top(page, locator) -> float:
    return float(locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY"))


def test_new_pa_finds_what_to_do_and_who_to_call_in_the_first_two_screens(browser, demo) -> None:
    rhys_context = browser.new_context(viewport=PHONE)
    rhys = rhys_context.new_page()
    sign_in_page(rhys, demo.url, OWNER["email"], OWNER["password"])
    rhys.goto(demo.url + f"{S}/handover-pack/new")  # step 1: Handover pack in the menu
    with rhys.expect_navigation():
        rhys.get_by_role("button", name="Make the pack").click()  # step 2: as it comes
    pack = rhys.url.replace("/handover-pack/", "/handover/")
    rhys_context.close()

    context = browser.new_context(viewport=PHONE)
    tom = context.new_page()
    sign_in_page(tom, demo.url, TOM["email"], TOM["password"])
    tom.goto(pack)
    first = tom.locator("section.first-minutes")
    assert top(tom, first.get_by_role("heading", name="First five minutes")) < 844
    emergency = first.get_by_role("link", name="Call 999 if a seizure lasts 5 minutes")
    number = first.locator("a[href^='tel:']").first
    assert top(tom, emergency) < TWO_SCREENS
    assert top(tom, number) < TWO_SCREENS
    numbers = first.locator("li", has=tom.locator("a[href^='tel:']")).all_inner_texts()
    assert numbers == [
        "Call Mum (Claire), any time: 07700 900123",
        "Call Helen Price, epilepsy nurse, weekdays, 9 to 5: 07700 900456",
    ]
    assert "07700 900245" not in tom.inner_text("main")  # Dad's number: Circle, not Tom's
    words = first.inner_text().split()
    assert len(words) <= 250
    # Linked contents come next; each goes to its part.
    contents = tom.locator("nav.handover-contents a")
    assert contents.count() >= 5
    assert top(tom, tom.locator("nav.handover-contents")) > top(tom, first)
    contents.nth(0).click()
    assert tom.url.endswith("#part-1")
    # No table cut off, no word broken: every cell fits its text, and the page its width.
    assert tom.evaluate("document.documentElement.scrollWidth") <= 390
    cells = tom.locator(".handover-part td, .handover-part th")
    assert cells.count() > 10
    squeezed = tom.evaluate(
        """() => [...document.querySelectorAll('.handover-part tbody td, .handover-part tbody th')]
           .filter(c => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > 390)
           .map(c => c.textContent.slice(0, 40))"""
    )
    assert squeezed == []
    broken = tom.evaluate(
        """() => [...document.querySelectorAll('.handover-part td')].filter(c => {
             const s = getComputedStyle(c);
             return s.wordBreak === 'break-all' || s.overflowWrap === 'anywhere' || s.hyphens === 'auto';
           }).length"""
    )
    assert broken == 0
    SHOTS.mkdir(exist_ok=True)
    tom.goto(pack)
    tom.screenshot(path=str(SHOTS / "first-minutes-390.png"))
    tom.screenshot(path=str(SHOTS / "first-minutes-390-full.png"), full_page=True)
    assert axe_violations(tom) == []
    context.close()
