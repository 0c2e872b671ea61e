"""The review report and the support plan pieces in a real headless Chromium (issue #17),
on a demo server of their own, at 390 px and 1280 px: from the October 2026 review to the
report, edit the easy-read summary, save, print; a reader of Reviews who may not read the
budget; the budget guidance beside the budget, in plain words and easy read; the safety
plan's form. axe (WCAG 2.2 tags) finds nothing; screenshots go to tests/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
S = f"/s/{SITE['slug']}"
WIDTHS = (390, 1280)
PEOPLE = {p["name"].split()[0].lower(): (p["email"], p["password"]) for p in CIRCLE}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    server = start_server(Path(tmp_path_factory.mktemp("report-demo")) / "demo.db", demo=True)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def signed_in(browser, demo):
    made, contexts = {}, []

    def at(who: str, width: int):
        if (who, width) not in made:
            context = browser.new_context(viewport={"width": width, "height": 900})
            contexts.append(context)
            page = context.new_page()
            sign_in_page(page, demo.url, PEOPLE[who][0], PEOPLE[who][1])
            made[(who, width)] = page
        return made[(who, width)]

    yield at
    for context in contexts:
        context.close()


def check(page, name: str, width: int) -> None:
    """axe clean, no sideways scrolling on a phone, and a screenshot to look at."""
    violations = axe_violations(page)
    assert violations == [], f"{name} at {width}px: {violations}"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{name}-{width}.png"), full_page=True)


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


@pytest.mark.parametrize("width", WIDTHS)
def test_from_the_october_review_to_a_saved_printed_report(signed_in, demo, width: int) -> None:
    page = signed_in("daniel", width)
    page.goto(demo.url + f"{S}/reviews/annual-review-2026")
    with page.expect_navigation():
        page.get_by_role("link", name="What changed since this review").click()
    text = main_text(page)
    assert "Since the review on 8 October 2026" in text
    assert "Budget spent since 8 October 2026" in text  # Daniel may read the budget
    assert "leave out anything from" in text  # …but Jess and Priya, who read Reviews, may not
    check(page, "form", width)
    easy = page.get_by_label("What changed, in easy read")
    assert "Rhys's last review was on 8 October 2026." in easy.input_value()
    assert "£" not in easy.input_value()  # no budget words in what everyone will read
    assert "- Rhys's last review" not in text  # shown rendered, not as markdown (issue #23)
    page.get_by_text("Change the easy-read words").click()  # the words, to change
    easy.fill(easy.input_value() + f"\n- Rhys did the open day journey on his own ({width}).")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the report in Reviews").click()
    assert re.search(r"/reviews/review-report-\d{4}-\d{2}-\d{2}", page.url)
    text = main_text(page)
    assert f"Rhys did the open day journey on his own ({width})." in text
    assert "left out on purpose" in text
    check(page, "saved", width)
    page.goto(demo.url + f"{S}/-/print/reviews")
    assert f"open day journey on his own ({width})" in main_text(page)
    check(page, "print", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_of_reviews_sees_no_budget_and_no_form(signed_in, demo, width: int) -> None:
    page = signed_in("jess", width)
    response = page.goto(demo.url + f"{S}/-/review-report")
    assert response is not None and response.status == 200
    text = main_text(page)
    assert "Pages changed" in text and "My one-page profile" in text
    assert "Budget" not in text and "lamotrigine" not in text.lower()
    assert page.locator("textarea").count() == 0
    check(page, "jess", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_budget_guidance_beside_the_budget_in_plain_words_and_easy_read(
    signed_in, demo, width: int
) -> None:
    page = signed_in("claire", width)
    page.goto(demo.url + f"{S}/budget/personal-budget")
    with page.expect_navigation():
        page.get_by_role("link", name="What the budget can pay for").click()
    text = main_text(page)
    assert "What it cannot usually pay for" in text and "Questions to ask a provider" in text
    assert "£7,305.80 in all" in text  # Claire's own budget beside the guidance
    check(page, "guidance", width)
    page.keyboard.press("Tab")  # the switch is reachable by keyboard
    with page.expect_navigation():
        page.get_by_role("link", name="Read this in easy read").click()
    assert "You cannot use it for" in main_text(page)
    check(page, "guidance-easy", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_safety_plan_form_and_block(signed_in, demo, width: int) -> None:
    page = signed_in("claire", width)
    page.goto(demo.url + f"{S}/about-me/good-day-bad-day/blocks/new?type=safeguards")
    check(page, "safety-form", width)
    page.get_by_label("How we will know support is not working").fill(
        "I stop going to Minecraft club."
    )
    page.get_by_label("What could go wrong, or what worries us").fill(
        f"The 42 bus is cancelled ({width})."
    )
    page.get_by_label("What happens if it does").fill("I use my what-if card and text Mum.")
    page.get_by_label("In an emergency").fill("Call 999.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").first.click()
    text = main_text(page)
    assert f"The 42 bus is cancelled ({width})." in text and "If it happens:" in text
    check(page, "safety-block", width)
