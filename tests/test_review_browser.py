"""Rhys's review in a real headless Chromium (issue #17), at 390 px and 1280 px: the dates from
the law with their reasons, a separate decision for each outcome made with the keyboard alone,
a save with no decision refused with nothing lost, axe (WCAG 2.2 tags) clean throughout.
Screenshots go to tests/screenshots/review-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
S = f"/s/{SITE['slug']}"
REVIEW = f"{S}/review/early-review-2027-01-20"
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
DANIEL = next(p for p in CIRCLE if p["relationship"] == "social worker")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A demo server of our own: these tests save decisions."""
    server = start_server(Path(tmp_path_factory.mktemp("review-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def daniel(browser, demo):
    """Daniel, the social worker who runs the review, signed in; one page per width."""
    made, contexts = {}, []

    def at(width: int):
        if width not in made:
            context = browser.new_context(viewport=WIDTHS[width])
            contexts.append(context)
            page = context.new_page()
            sign_in_page(page, demo.url, DANIEL["email"], DANIEL["password"])
            made[width] = page
        return made[width]

    yield at
    for context in contexts:
        context.close()


def shoot(page, name: str, width: int) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-{name}-{width}.png"), full_page=True)


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"scrolls sideways by {overflow}px"


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused control's accessible text starts with ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; return (e.innerText || e.value || '')"
            ".replace(/\\s+/g, ' ').trim(); })()"
        )
        if focused.lower().startswith(name.lower()):
            return
    raise AssertionError(f"Tab never reached {name!r}")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_review_shows_the_law_s_dates_with_their_reasons(daniel, demo, width: int) -> None:
    page = daniel(width)
    response = page.goto(demo.url + REVIEW)
    assert response is not None and response.status == 200
    text = main_text(page)
    assert "By 31 March 2027" in text
    assert (
        "Rhys moves from secondary school to a post-16 place in 2027, so the council must finish"
        " the plan's review and changes by 31 March 2027." in text
    )
    assert "From: SEND Regulations 2014, regulation 18" in text
    assert "This is review 2 in the plan" in text and "8 October 2026" in text
    assert "first review" not in text
    assert page.locator("legend", has_text="Decision for outcome").count() == 6
    assert page.locator("input[name^=decision-]:checked").count() == 0  # nothing chosen for anyone
    assert axe_violations(page) == []
    if width == 390:
        no_sideways_scroll(page)
    shoot(page, "dates", width)


@pytest.mark.parametrize(
    ("width", "outcome", "choice"), [(1280, "1", "Partly"), (390, "3", "Not yet")]
)
def test_one_outcome_is_decided_with_the_keyboard_alone(
    daniel, demo, width: int, outcome: str, choice: str
) -> None:
    page = daniel(width)
    page.goto(demo.url + REVIEW)
    card = page.locator(
        ".review-outcome", has=page.locator("legend", has_text=f"Decision for outcome {outcome}")
    )
    card.scroll_into_view_if_needed()
    # Start from the outcome's heading link, then only the keyboard.
    card.locator("h3 a").focus()
    tab_to(page, "Achieved")  # the first choice; arrows move within the group
    for _ in range(["Achieved", "Partly", "Not yet"].index(choice)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Did the route with Tom on the bus behind, twice.")
    page.keyboard.press("Tab")  # the evidence summary
    page.keyboard.press("Enter")  # opens it
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # ticks the first piece of evidence: the outcome's own page
    tab_to(page, "Save all the decisions")  # one save for every outcome (issue #23)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    card = page.locator(
        ".review-outcome", has=page.locator("legend", has_text=f"for outcome {outcome}")
    )
    words = re.sub(r"\s+", " ", card.inner_text())
    assert re.search(rf"Decided for this review on \d+ \w+ \d{{4}}: {choice}", words), words
    assert "Did the route with Tom on the bus behind, twice." in words
    assert "Evidence: Page:" in words
    # Only this outcome was decided.
    assert page.locator(".review-outcome", has_text="Decided for this review").count() == (
        1 if width == 1280 else 2
    )
    assert axe_violations(page) == []
    shoot(page, f"decided-{outcome}", width)


@pytest.mark.parametrize("width", [1280, 390])
def test_saving_with_no_decision_is_refused_and_nothing_is_lost(daniel, demo, width: int) -> None:
    page = daniel(width)
    page.goto(demo.url + REVIEW)
    card = page.locator(
        ".review-outcome", has=page.locator("legend", has_text="Decision for outcome 4")
    )
    card.locator("textarea[name^=note-]").fill(
        "Arranged Friday with Sami himself, three weeks running."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save all the decisions").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Outcome 4: Choose a decision for this outcome" in summary.inner_text()
    card = page.locator(
        ".review-outcome", has=page.locator("legend", has_text="Decision for outcome 4")
    )
    assert card.locator("textarea[name^=note-]").input_value() == (
        "Arranged Friday with Sami himself, three weeks running."
    )
    assert page.title().startswith("Error: ")
    # The summary's link takes the keyboard to the choices that need an answer.
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#outcome-outcomes-my-outcomes-2-decision"
    assert axe_violations(page) == []
    if width == 390:
        no_sideways_scroll(page)
    shoot(page, "refused", width)


def test_the_outcomes_board_shows_each_outcome_s_last_decision_and_trend(daniel, demo) -> None:
    page = daniel(1280)
    page.goto(demo.url + f"{S}/outcomes/-/board")
    text = main_text(page)
    assert "Over time: Not yet → partly" in text
    assert "By the last review decision" in text
    assert axe_violations(page) == []
    shoot(page, "board", 1280)


@pytest.mark.parametrize("theme", ["high-contrast", "large-text"])
def test_the_review_and_board_pass_axe_in_the_other_themes(browser, demo, theme: str) -> None:
    """Rhys (who may change the look) picks the theme; the review page and board stay clean."""
    context = browser.new_context(viewport=WIDTHS[1280])
    try:
        page = context.new_page()
        sign_in_page(page, demo.url, OWNER["email"], OWNER["password"])
        page.goto(demo.url + f"{S}/settings")
        page.check(f"#theme-{theme}")
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        for width in (1280, 390):
            page.set_viewport_size(WIDTHS[width])
            for path in (
                REVIEW,
                f"{S}/outcomes/-/board",
                f"{S}/reviews/facts-for-review-dates",
                f"{S}/reviews/facts-for-review-dates/block/0",  # the facts' friendly form
                f"{S}/reviews/early-review-2027-01-20",  # the stored checklist
                f"{S}/outcomes/my-outcomes",  # decisions shown in the outcome blocks
            ):
                response = page.goto(demo.url + path)
                assert response is not None and response.status == 200
                assert f"/static/{theme}/style.css" in page.content()
                assert axe_violations(page) == [], (theme, path, width)
                if width == 390:
                    no_sideways_scroll(page)
        shoot(page, f"theme-{theme}", 390)
        page.goto(demo.url + f"{S}/settings")
        page.check("#theme-default")
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
    finally:
        context.close()
