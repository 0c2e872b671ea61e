"""A handover pack in a real headless Chromium, on a demo server of its own (issue #14): mum
checks on the form who will read which part, makes the pack, and reads all of it; Priya
(the SENCO: Handover and About me, not Health) reads the About me parts and finds nothing
from Health. At 390 px and 1280 px, axe (WCAG 2.2 tags) clean; screenshots go to
tests/screenshots/handover-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
S = f"/s/{SITE['slug']}"
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
PEOPLE = {p["relationship"]: p for p in CIRCLE}
HEALTH_WORDS = ["lamotrigine", "What to do if I have a seizure", "Health page: conditions"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    server = start_server(Path(tmp_path_factory.mktemp("handover-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def signed_in(browser, demo):
    made, contexts = {}, []

    def at(who: str, width: int):
        if (who, width) not in made:
            context = browser.new_context(viewport=WIDTHS[width])
            contexts.append(context)
            page = context.new_page()
            sign_in_page(page, demo.url, PEOPLE[who]["email"], PEOPLE[who]["password"])
            made[(who, width)] = page
        return made[(who, width)]

    yield at
    for context in contexts:
        context.close()


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def look(page, name: str, width: int) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"handover-{name}-{width}.png"), full_page=True)
    assert axe_violations(page) == [], name
    # Nothing wider than the screen at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name


@pytest.fixture(scope="module")
def pack_url(signed_in, demo) -> str:
    """Mum checks who will read what, then makes the pack (About me and Health, as ticked)."""
    page = signed_in("mum", 1280)
    page.goto(demo.url + f"{S}/handover-pack/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Check who will read what").click()
    look(page, "form", 1280)
    priya = page.locator(".card", has=page.get_by_role("heading", name="Priya Desai"))
    card = re.sub(r"\s+", " ", priya.inner_text())
    sees, misses = card.split("Will not see")
    assert "Will read:" in sees and "My one-page profile" in sees and "My health" not in sees
    assert "My health" in misses and "What to do if I have a seizure" in misses
    assert "A guest link reads its own section only" in main_text(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Make the pack").click()
    look(page, "status", 1280)
    url = page.url.replace("/handover-pack/", "/handover/")
    return url[len(demo.url) :]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_form_at_each_width(signed_in, demo, pack_url, width: int) -> None:
    page = signed_in("mum", width)
    page.goto(demo.url + f"{S}/handover-pack/new")
    assert "Priya Desai" in main_text(page)
    look(page, "form-first", width)


@pytest.mark.parametrize("width", [390, 1280])
def test_mum_reads_every_part(signed_in, demo, pack_url, width: int) -> None:
    page = signed_in("mum", width)
    page.goto(demo.url + pack_url)
    text = main_text(page)
    assert "My one-page profile" in text and "lamotrigine" in text
    look(page, "mum", width)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_senco_reads_about_me_and_nothing_from_health(
    signed_in, demo, pack_url, width: int
) -> None:
    page = signed_in("SENCO", width)
    page.goto(demo.url + pack_url)
    html = page.content()
    assert "My one-page profile" in main_text(page)
    for word in HEALTH_WORDS:
        assert word.lower() not in html.lower(), word
    assert "I have read this" in main_text(page)
    look(page, "senco", width)
