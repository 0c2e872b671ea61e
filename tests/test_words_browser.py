"""Easy read in a real headless Chromium (issue #16): Rhys, the demo's young person, has
easy read on; the plan home, his one-page profile, its form and the sharing page show the
easy words with picture symbols that load, axe (WCAG 2.2 tags) finds nothing at 390 px
and at 1280 px, and nothing is wider than a phone. Screenshots go to $PLANWIKI_SHOTS
(default tests/screenshots/), to be looked at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki import accounts
from wiki.db import Database
from wiki.demo_content import OWNER, SITE
from wiki.models import Actor, Preferences
from wiki.routes.common import READING_COOKIE
from wiki.store import links
from wiki.templates import available_themes

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PLANWIKI_SHOTS", Path(__file__).parent / "screenshots"))
S = f"/s/{SITE['slug']}"
WIDTHS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
PAGES = {
    # name: (address, easy words that must be there, standard words that must not)
    "home": (S, "Choose who can see my plan", "Who can see what"),
    "profile": (f"{S}/about-me/one-page-profile", "Change this page", "Revision"),
    "block-form": (f"{S}/about-me/one-page-profile/block/0", "What people like about me",
                   "What people like and admire about me"),
    "sharing": (f"{S}/sharing", "Show my plan to someone", "Share something"),
    "owner": (f"{S}/owner", "This is your plan.", "Who owns this plan"),
    "plans": ("/", "Make the plan", "Create the plan"),
    "account": ("/account", "Choose how I like to read", "Choose how I read"),
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A demo server of our own, where Rhys has switched easy read on."""
    server = start_server(Path(tmp_path_factory.mktemp("words-demo")) / "demo.db", demo=True)
    db = Database(server.db_path)
    row = db.one("SELECT id, name FROM users WHERE email = ?", (OWNER["email"],))
    assert row is not None
    rhys = Actor(user_id=row["id"], email=OWNER["email"], name=row["name"])
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    server.guest_token = links.create_guest_link(  # type: ignore[attr-defined]
        db, rhys, site=SITE["slug"], section="about-me"
    ).token
    db.close()
    yield server
    stop_server(server)
    if server.process.stdout:
        server.process.stdout.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_rhys_reads_his_plan_in_easy_words_with_pictures(browser, demo, width) -> None:
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    try:
        sign_in_page(page, demo.url, OWNER["email"], OWNER["password"])
        SHOTS.mkdir(parents=True, exist_ok=True)
        for name, (path, easy, standard) in PAGES.items():
            page.goto(demo.url + path)
            text = re.sub(r"\s+", " ", page.inner_text("body"))
            assert easy in text, f"{name}: the easy words"
            assert standard not in text, f"{name}: still the standard words"
            pictures = page.eval_on_selector_all(
                "img.symbol", "els => els.map(e => [e.complete && e.naturalWidth > 0, e.alt])"
            )
            assert pictures, f"{name}: no picture symbols"
            assert all(loaded and alt == "" for loaded, alt in pictures), f"{name}: {pictures}"
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide} px wide at {width} px"
            assert axe_violations(page) == [], name
            page.screenshot(path=str(SHOTS / f"easy-{name}-{width}.png"), full_page=True)
    finally:
        context.close()


def test_a_club_reads_the_profile_by_guest_link_in_easy_read_and_large_text(browser, demo) -> None:
    """No account: the reading cookie carries easy read and the large-text look."""
    context = browser.new_context(viewport=WIDTHS[390])
    cookie = Preferences(theme="large-text", easy_read=True).as_cookie()
    context.add_cookies([{"name": READING_COOKIE, "value": cookie, "url": demo.url}])
    page = context.new_page()
    try:
        page.goto(f"{demo.url}/g/{demo.guest_token}/about-me/one-page-profile")
        page.get_by_text("Menu", exact=True).click()  # on a phone the account line is in the Menu
        text = re.sub(r"\s+", " ", page.inner_text("body"))
        assert "Someone shared this with you" in text and "Skip to main content" not in text
        assert page.eval_on_selector("body", "b => b.className").startswith("theme-large-text")
        assert page.locator("nav.site-nav img.symbol").count() >= 1, "About me has its picture"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "easy-guest-large-text-390.png"), full_page=True)
    finally:
        context.close()
