"""Rhys's plan on his phone and on a big screen, in the default words and in easy read
(issue #16): the plan home, his one-page profile, the form he writes it with, who can see
what, and a handover pack. Each page: its heading in the top third of a 390 × 844 screen,
nothing wider than the screen, axe (WCAG 2.2 tags) clean. Screenshots go to
tests/screenshots/journey-*.png; with ``PLANWIKI_README_SHOTS=1`` the two the README shows
are written to docs/screenshots/ as well."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import OWNER, SITE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent
SHOTS = Path(__file__).parent / "screenshots"
README_SHOTS = {  # (mode, page, width) → the file the README shows
    ("easy", "home", 390): ROOT / "docs" / "screenshots" / "plan-home-easy-read-390.png",
    ("default", "profile-form", 1280): ROOT / "docs" / "screenshots" / "profile-form-1280.png",
}
S = f"/s/{SITE['slug']}"
PAGES = {
    "home": S,
    "profile": f"{S}/about-me/one-page-profile",
    "profile-form": f"{S}/about-me/one-page-profile/block/0",
    "editor": f"{S}/about-me/one-page-profile/edit",
    "sharing": f"{S}/sharing",
}
SIZES = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A demo server of its own: Rhys makes a handover pack and changes how he reads."""
    server = start_server(Path(tmp_path_factory.mktemp("journey")) / "demo.db", demo=True)
    yield server
    stop_server(server)


def signed_in(browser, demo, width: int):
    context = browser.new_context(viewport=SIZES[width])
    page = context.new_page()
    sign_in_page(page, demo.url, OWNER["email"], OWNER["password"])
    return context, page


def choose_easy_read(page, demo, on: bool) -> None:
    """Through the How I read form, as Rhys would."""
    page.goto(demo.url + "/account/reading")
    box = page.locator("#easy_read")
    if box.is_checked() != on:
        box.check() if on else box.uncheck()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def look(page, mode: str, name: str, width: int) -> None:
    SHOTS.mkdir(exist_ok=True)
    shot = SHOTS / f"journey-{mode}-{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=False)
    readme = README_SHOTS.get((mode, name, width))
    if readme is not None and os.environ.get("PLANWIKI_README_SHOTS"):
        readme.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, readme)
    assert axe_violations(page) == [], (mode, name, width)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= SIZES[width]["width"], (mode, name, width, wide)
    if width == 390:
        top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
        assert top < 280, (mode, name, top)


@pytest.fixture(scope="module")
def pack(browser, demo) -> str:
    """Rhys makes a handover pack for new workers, with what the form suggests."""
    context, page = signed_in(browser, demo, 1280)
    page.goto(demo.url + f"{S}/handover-pack/new")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    url = page.url.replace("/handover-pack/", "/handover/")[len(demo.url) :]
    context.close()
    return url


@pytest.mark.parametrize("width", [390, 1280])
def test_rhys_reads_and_writes_his_plan_in_default_words_and_in_easy_read(
    browser, demo, pack, width: int
) -> None:
    context, page = signed_in(browser, demo, width)
    try:
        for mode in ("default", "easy"):
            choose_easy_read(page, demo, mode == "easy")
            assert ("easy-read" in str(page.get_attribute("body", "class"))) == (mode == "easy")
            for name, path in {**PAGES, "handover-pack": pack}.items():
                page.goto(demo.url + path)
                assert page.locator("main h1").count() >= 1, (mode, name)
                look(page, mode, name, width)
    finally:
        choose_easy_read(page, demo, False)
        context.close()
