"""The moments that matter, walked in a real headless Chromium at 390 px (issue #23, parts 3
and 4), as the people they are for, on the demo:

- Mali takes the plan her mum made for her: the first screen names who else can still read,
  change or share it, with "Change this" one tap away; Claire is emailed; Claire's own
  page says what is true for her; Rhys's list of plans does not say Mali shares anything.
- An offer turned down with "No thanks", and Claire told.
- "See it as" Sami is the page Sami gets (the photo, not a letter); an invitation not yet
  accepted can be previewed as it would give.

Steps are counted (taps and form sends); axe finds nothing; screenshots go to
tests/screenshots/ (hands-*.png).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE, YOUNGER

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}
CLAIRE = next(p for p in CIRCLE if p["relationship"] == "mum")
SAMI = next(p for p in CIRCLE if p["name"].startswith("Sami"))
MALI = YOUNGER["slug"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A demo server of our own: these tests hand a plan over and invite people."""
    server = start_server(Path(tmp_path_factory.mktemp("hands-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hands-{name}-390.png"), full_page=False)


def clean(page, where: str) -> None:
    assert axe_violations(page) == [], where
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not wide, f"{where} is wider than the screen"


def words(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def mail_to(db_path: Path, to: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT subject, body FROM outbox WHERE to_address = ? ORDER BY id", (to,)
        ).fetchall()


def link_in(db_path: Path, to: str, kind: str) -> str:
    body = mail_to(db_path, to)[-1][1]
    found = re.search(rf"(/{kind}/[A-Za-z0-9_-]{{20,}})", body)
    assert found, body
    return found.group(1)


def on_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


def offer_mali_to(browser, demo, address: str):
    """Claire sends Mali her plan from the ownership page (2 steps: open it, send)."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in_page(page, demo.url, CLAIRE["email"], CLAIRE["password"])
    page.goto(f"{demo.url}/s/{MALI}/owner")
    page.fill("#email", address)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the offer").click()
    assert "The offer is on its way" in words(page)
    return context, page


def test_an_offer_turned_down_says_so_and_tells_the_maker(browser, demo) -> None:
    address = "not.mali@example.org"
    claires, _ = offer_mali_to(browser, demo, address)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    link = link_in(demo.db_path, address, "own")
    page.goto(demo.url + link)
    no = page.get_by_role("button", name="No thanks")
    # Below the form to accept (never pressed by mistake), one tap: no account, no password.
    no.scroll_into_view_if_needed()
    shoot(page, "offer-no-thanks-button")
    with page.expect_navigation():
        no.click()
    text = words(page)
    shoot(page, "no-thanks")
    clean(page, "no thanks")
    assert "You said no thanks" in text and "We have told Claire Marsden" in text
    assert any("said no thanks" in s for s, _ in mail_to(demo.db_path, CLAIRE["email"]))
    page.goto(demo.url + link)
    assert "You said no thanks to this plan" in words(page)
    claires.close()
    context.close()


def test_rhys_in_easy_read_is_not_told_a_child_without_an_account_shares_her_plan(
    browser, demo
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in_page(page, demo.url, OWNER["email"], OWNER["password"])
    page.goto(f"{demo.url}/reading")
    page.locator("input[name=easy_read]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.goto(f"{demo.url}/")
    text = words(page)
    shoot(page, "rhys-plans")
    assert "shares" not in text
    # Before Mali has an account (she is seven): not "Mali shares 2 parts of their plan".
    assert "You can see 2 parts of the plan of Mali." in text
    page.goto(f"{demo.url}/reading")  # back to standard words for the tests after this one
    page.locator("input[name=easy_read]").uncheck()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    context.close()


def test_mali_takes_her_plan_and_sees_who_else_can_still_reach_it_on_the_first_screen(
    browser, demo
) -> None:
    mali_address = "mali.marsden@example.org"
    claires, claire = offer_mali_to(browser, demo, mali_address)
    # Mali, on her own phone: the link from her email, her name and password, one button.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    steps = 0
    page.goto(demo.url + link_in(demo.db_path, mali_address, "own"))
    steps += 1  # opening the link
    clean(page, "the offer")
    assert "No thanks" in words(page)
    page.fill("#name", "Mali Marsden")
    page.fill("#password", "dinosaur-biscuit-rabbit-7")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept my plan").click()
    steps += 1  # accepting
    text = words(page)
    shoot(page, "mali-accepted")
    clean(page, "Mali's plan, just accepted")
    assert "This plan is now yours" in text
    assert "Nobody" not in text
    # Who else can still reach it, by name, on the first screen, before any tap more.
    holders = page.locator(".welcome .holders li")
    lines = [re.sub(r"\s+", " ", t) for t in holders.all_inner_texts()]
    assert lines[0] == "Claire Marsden (made the plan) can read, change and share every part."
    assert any(line.startswith("Rhys Marsden (brother) can read") for line in lines), lines
    assert any(line.startswith("Jess Marsden (sister) can read") for line in lines), lines
    first = page.locator(".welcome .holders li").first
    change = page.get_by_role("link", name="Change this")
    assert on_first_screen(page, first) and on_first_screen(page, change)
    assert steps == 2  # before: 2 to accept, then a welcome saying "Nobody can see it"
    with page.expect_navigation():
        change.click()
    steps += 1
    assert page.url.endswith(f"/s/{MALI}/sharing") and "Claire Marsden" in words(page)
    shoot(page, "mali-change-this")
    # Claire is told, and her own page is true for her.
    subjects = [s for s, _ in mail_to(demo.db_path, CLAIRE["email"])]
    assert "Mali Marsden has accepted “Mali's plan”" in subjects or any(
        "has accepted “Mali's plan”" in s for s in subjects
    ), subjects
    claire.goto(f"{demo.url}/s/{MALI}")
    hers = words(claire)
    shoot(claire, "claire-after")
    assert "shared these parts" not in hers and "Claire Marsden shared" not in hers
    assert "It is theirs" in hers and "you can read, change and share every part" in hers
    claires.close()
    context.close()


def main_seen(page, *roots: str) -> tuple[str, list[str]]:
    """The words of <main> (without the preview's own banner) and its pictures' sources."""
    text = page.evaluate(
        "() => { const m = document.querySelector('main').cloneNode(true);"
        " m.querySelectorAll('.notice.preview').forEach(n => n.remove()); return m.innerText; }"
    )
    sources = page.evaluate(
        "() => [...document.querySelectorAll('main img')].map(i => i.getAttribute('src'))"
    )
    for root in roots:
        sources = [s.replace(root, "ROOT") for s in sources]
    return re.sub(r"\s+", " ", text).strip(), sources


def test_see_it_as_sami_is_the_page_sami_gets_with_the_photo(browser, demo) -> None:
    site = SITE["slug"]
    owner = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(owner, demo.url, OWNER["email"], OWNER["password"])
    owner.goto(f"{demo.url}/s/{site}/view-as/{SAMI['email']}")
    slug = owner.url.split("/s/")[1].split("/")[0]
    preview_root = f"/s/{slug}/view-as/{SAMI['email']}"
    shoot(owner, "see-as-sami")
    clean(owner, "see it as Sami")
    assert owner.locator("main img.person-photo").count() == 1  # the photo, not a letter
    previewed = main_seen(owner, preview_root, f"/s/{slug}")
    sami = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(sami, demo.url, SAMI["email"], SAMI["password"])
    sami.goto(f"{demo.url}/s/{slug}")
    shoot(sami, "sami-himself")
    assert main_seen(sami, f"/s/{slug}") == previewed
    owner.context.close()
    sami.context.close()


def test_someone_invited_but_not_joined_can_be_previewed_from_the_sharing_page(
    browser, demo
) -> None:
    owner = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(owner, demo.url, OWNER["email"], OWNER["password"])
    owner.goto(f"{demo.url}/s/{SITE['slug']}/sharing/new")
    slug = owner.url.split("/s/")[1].split("/")[0]
    with sqlite3.connect(demo.db_path) as db:  # an invitation as the share steps make one
        site_id, owner_id = db.execute(
            "SELECT id, owner_id FROM sites WHERE slug = ?", (slug,)
        ).fetchone()
        db.execute(
            "INSERT INTO invitations (site_id, email, relationship, groups, grants, token_hash,"
            " expires_at, created_by, created_at, name) VALUES (?, 'tom.pa@example.org', 'PA',"
            ' \'[]\', \'[{"section": "about-me", "capability": "view"}]\', \'not-a-real-hash\','
            " '2999-01-01T00:00:00Z', ?, '2026-01-01T00:00:00Z', 'Tom')",
            (site_id, owner_id),
        )
    steps = 0
    owner.goto(f"{demo.url}/s/{slug}/sharing")
    steps += 1
    see = owner.get_by_role("link", name="See it as Tom", exact=True)
    with owner.expect_navigation():
        see.click()
    steps += 1
    text = words(owner)
    shoot(owner, "see-as-invited-tom")
    clean(owner, "see it as Tom, invited")
    assert "Preview: this is the plan as Tom will see it once they join" in text
    assert "About me" in text and steps == 2
    owner.context.close()
