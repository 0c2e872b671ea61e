"""Phone first (issue #16), in a real headless Chromium against a demo server of its own (the
walk makes a handover pack): every page type, opened as the demo person who would open it,
on a 390 × 844 phone and at 1280 px. On the phone the page's own heading starts in the top
third (above 280 px) and nothing is wider than the screen; at 1280 px the side navigation
stays; axe (WCAG 2.2 tags) finds nothing on any of them. The Menu works by keyboard and
without JavaScript, and the welcome can be put away without JavaScript. Screenshots of the
plan home, a section, the handover pack and the welcome go to tests/screenshots/phone-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
S = f"/s/{SITE['slug']}"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
TOP_THIRD = 280
PEOPLE = {"rhys": (OWNER["email"], OWNER["password"])} | {
    p["name"].split()[0].lower(): (p["email"], p["password"]) for p in CIRCLE
}
PROFILE = f"{S}/about-me/one-page-profile"

# Every page type, and who opens it: the young person, unless it is someone else's page.
PAGES: list[tuple[str, str | None, str]] = [
    ("plan-home", "rhys", S),
    ("plan-home-member", "sami", S),
    ("welcome", "rhys", f"{S}/-/welcome"),
    ("welcome-member", "sami", f"{S}/-/welcome"),
    ("photo-and-words", "rhys", f"{S}/-/introduction"),
    ("section", "rhys", f"{S}/about-me"),
    ("page", "rhys", PROFILE),
    ("edit", "rhys", f"{PROFILE}/edit"),
    ("history", "rhys", f"{PROFILE}/history"),
    ("diff", "rhys", f"{PROFILE}/diff?from=1&to=2"),
    ("revision", "rhys", f"{PROFILE}/revisions/1"),
    ("block-form", "rhys", f"{S}/outcomes/bus-to-college/block/0"),
    ("search", "rhys", f"{S}/search?q=bus"),
    ("sharing", "rhys", f"{S}/sharing"),
    ("share-steps", "rhys", f"{S}/sharing/new"),
    ("audit", "rhys", f"{S}/audit"),
    ("owner", "rhys", f"{S}/owner"),
    ("growing-up", "rhys", f"{S}/growing-up"),
    ("export", "rhys", f"{S}/export"),
    ("account", "rhys", "/account"),
    ("my-plans", "rhys", "/"),
    ("review-start", "daniel", f"{S}/review/new"),
    ("review", "daniel", f"{S}/review/early-review-2027-01-20"),
    ("review-report", "daniel", "REPORT"),
    ("handover-build", "claire", f"{S}/handover-pack/new"),
    ("handover-status", "claire", "PACK-STATUS"),
    ("handover-read", "priya", "PACK"),
    ("handover-read-confirm", "priya", "PACK/read"),
    ("login", None, "/login"),
]
SHOT = {"plan-home", "plan-home-member", "section", "handover-read", "welcome", "welcome-member"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    server = start_server(Path(tmp_path_factory.mktemp("phone-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def as_person(browser, demo):
    """A signed-in page per person and width (None: signed out)."""
    made, contexts = {}, []

    def at(who: str | None, viewport: dict[str, int], js: bool = True):
        key = (who, viewport["width"], js)
        if key not in made:
            context = browser.new_context(viewport=viewport, java_script_enabled=js)
            contexts.append(context)
            page = context.new_page()
            if who is not None:
                email, password = PEOPLE[who]
                sign_in_page(page, demo.url, email, password)
            made[key] = page
        return made[key]

    yield at
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def places(as_person, demo) -> dict[str, str]:
    """The addresses made on the way: Claire's handover pack, Daniel's review report form."""
    page = as_person("claire", WIDE)
    page.goto(demo.url + f"{S}/handover-pack/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Check who will read what").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Make the pack").click()
    status = page.url[len(demo.url) :]
    daniel = as_person("daniel", WIDE)
    daniel.goto(demo.url + f"{S}/reviews/annual-review-2026")
    with daniel.expect_navigation():
        daniel.get_by_role("link", name="What changed since this review").click()
    return {
        "PACK-STATUS": status,
        "PACK": status.replace("/handover-pack/", "/handover/"),
        "REPORT": daniel.url[len(demo.url) :],
    }


def address(url: str, places: dict[str, str]) -> str:
    head, _, tail = url.partition("/")
    return places[head] + ("/" + tail if tail else "") if head in places else url


def measure(page) -> dict[str, Any]:
    return page.evaluate(
        """() => { const h = document.querySelector('main h1');
        return {top: h ? h.getBoundingClientRect().top : null, heading: h ? h.innerText : '',
                wide: document.documentElement.scrollWidth, screen: window.innerWidth,
                has_nav: !!document.querySelector('.site-nav'),
                nav: !!document.querySelector('.site-nav') &&
                     getComputedStyle(document.querySelector('.site-nav')).display !== 'none',
                menu: !!document.querySelector('details.menu') &&
                      getComputedStyle(document.querySelector('details.menu')).display !== 'none'} }"""
    )


@pytest.mark.parametrize("name, who, url", PAGES, ids=[p[0] for p in PAGES])
def test_on_a_phone_each_page_starts_with_its_own_heading_and_fits_the_screen(
    as_person, demo, places, name: str, who: str | None, url: str
) -> None:
    page = as_person(who, PHONE)
    response = page.goto(demo.url + address(url, places))
    assert response is not None and response.status == 200, (name, response and response.status)
    seen = measure(page)
    assert seen["top"] is not None, f"{name}: no heading"
    assert seen["top"] < TOP_THIRD, f"{name}: the heading starts {seen['top']:.0f} px down"
    assert seen["wide"] <= seen["screen"], f"{name}: {seen['wide']} px wide on a 390 px screen"
    assert seen["menu"] and not seen["nav"], f"{name}: on a phone everything else is in the Menu"
    if name in SHOT:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"phone-{name}-390.png"))
    assert axe_violations(page) == [], name


@pytest.mark.parametrize("name, who, url", PAGES, ids=[p[0] for p in PAGES])
def test_on_a_wide_screen_each_page_keeps_the_side_navigation_and_fits(
    as_person, demo, places, name: str, who: str | None, url: str
) -> None:
    page = as_person(who, WIDE)
    response = page.goto(demo.url + address(url, places))
    assert response is not None and response.status == 200, name
    seen = measure(page)
    assert seen["top"] is not None and seen["wide"] <= seen["screen"], (name, seen)
    assert not seen["menu"], f"{name}: no Menu button on a wide screen"
    if seen["has_nav"]:
        assert seen["nav"], f"{name}: the side navigation stays at 1280 px"
    if url.startswith(S) and name not in ("handover-read-confirm",):
        assert seen["has_nav"], f"{name}: a page of the plan has the plan's navigation"
    if name in SHOT:
        page.screenshot(path=str(SHOTS / f"phone-{name}-1280.png"))
    assert axe_violations(page) == [], name


def test_the_menu_opens_by_keyboard_and_lists_every_part_without_cutting_any_off(
    as_person, demo
) -> None:
    page = as_person("rhys", PHONE)
    page.goto(demo.url + f"{S}/about-me")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the plan's name
    page.keyboard.press("Tab")  # the Menu
    assert page.evaluate("document.activeElement.closest('details.menu') !== null")
    page.keyboard.press("Enter")
    links = page.locator(".menu-nav .nav-sections a")
    assert links.count() >= 8
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.locator(".menu-nav a", has_text="Show the welcome again").is_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.menu-panel') !== null")
    # How I read comes first: someone who needs easy words needs it before the rest
    # (it was 26 key presses in).
    assert page.evaluate("document.activeElement.textContent.trim()") == "How I read"
    page.screenshot(path=str(SHOTS / "phone-menu-390.png"))


def test_without_javascript_the_menu_opens_and_the_welcome_is_put_away_and_found_again(
    as_person, demo
) -> None:
    page = as_person("jess", PHONE, js=False)
    page.goto(demo.url + S)
    assert re.search(r"Welcome to Rhys.s plan", page.inner_text("main"))
    page.locator("details.menu > summary").click()
    assert page.locator(".menu-nav", has_text="About me").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Hide this welcome").click()
    assert "The welcome is put away" in page.inner_text("main")
    assert page.locator("#welcome-title").count() == 0
    page.goto(demo.url + f"{S}/-/welcome")
    with page.expect_navigation():
        page.get_by_role("button", name="Show the welcome on the front page again").click()
    assert page.locator("#welcome-title").count() == 1


def test_i_have_read_this_comes_after_the_pack(as_person, demo, places) -> None:
    page = as_person("priya", PHONE)
    page.goto(demo.url + places["PACK"])
    pack = page.locator(".content").bounding_box()
    button = page.get_by_role("link", name="I have read this").bounding_box()
    assert pack is not None and button is not None
    assert button["y"] >= pack["y"] + pack["height"], "the button is after the pack's words"
    page.screenshot(path=str(SHOTS / "phone-handover-end-390.png"), full_page=True)


# Every letter of every name (and of the rings' own names) as the four corners of its shape,
# turned as it is drawn along its arc; no two letters of different names may overlap (the
# separating-axis test), and no letter may straddle a ring's line.
CIRCLE_CHECK = """() => {
  const svg = document.querySelector('svg.circle-svg');
  const rings = [...svg.querySelectorAll('circle')].map(c => +c.getAttribute('r'));
  const letters = [];
  for (const t of svg.querySelectorAll('text.circle-name, text.ring-name')) {
    const size = parseFloat(t.getAttribute('font-size'));
    for (let k = 0; k < t.getNumberOfChars(); k++) {
      const a = t.getStartPositionOfChar(k), b = t.getEndPositionOfChar(k);
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const ux = (b.y - a.y) / len, uy = -(b.x - a.x) / len;  // "up" for the letter
      const up = 0.75 * size, down = 0.2 * size;
      letters.push({name: t.textContent.trim(), pts: [
        [a.x + ux * up, a.y + uy * up], [b.x + ux * up, b.y + uy * up],
        [b.x - ux * down, b.y - uy * down], [a.x - ux * down, a.y - uy * down]]});
    }
  }
  const axes = q => q.map((p, i) => { const n = q[(i + 1) % 4];
    return [n[1] - p[1], p[0] - n[0]]; });
  const apart = (p, q) => [...axes(p), ...axes(q)].some(([x, y]) => {
    const sp = p.map(v => v[0] * x + v[1] * y), sq = q.map(v => v[0] * x + v[1] * y);
    return Math.max(...sp) <= Math.min(...sq) || Math.max(...sq) <= Math.min(...sp); });
  const clash = new Set();
  for (let i = 0; i < letters.length; i++) {
    for (let j = i + 1; j < letters.length; j++) {
      if (letters[i].name !== letters[j].name && !apart(letters[i].pts, letters[j].pts))
        clash.add(letters[i].name + ' / ' + letters[j].name);
    }
    const ds = letters[i].pts.map(([x, y]) => Math.hypot(x - 310, y - 310));
    for (const r of rings)
      if (Math.min(...ds) < r && Math.max(...ds) > r) clash.add(letters[i].name + ' on a ring');
  }
  return {clash: [...clash], names: svg.querySelectorAll('text.circle-name').length};
}"""


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1280"])
def test_the_circle_pictures_names_never_overlap_each_other_or_a_ring(
    as_person, demo, viewport: dict[str, int]
) -> None:
    page = as_person("rhys", viewport)
    page.goto(demo.url + f"{S}/circle/circle-of-support")
    found = page.evaluate(CIRCLE_CHECK)
    assert found["names"] >= 10
    assert found["clash"] == []
    page.locator(".circle-figure").screenshot(
        path=str(SHOTS / f"phone-circle-{viewport['width']}.png")
    )
