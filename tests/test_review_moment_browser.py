"""A review the SENCO can run (issue #23), in a real Chromium on a demo server of its own.

Rhys, on his phone (390 px), sees the next review's date on his plan's first screen and asks
Priya (the SENCO) to run it: two steps. Priya, at 1280 px, decides all six outcomes on one
form with one save; the report shows one line per outcome with its decision, note and
evidence, the day it was decided and the review it belongs to; nothing of it shows markdown
as text; every link on it answers; the report alone prints and downloads as a PDF.
Screenshots: tests/screenshots/review-moment-*.png.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import axe_violations, sign_in_page, start_server, stop_server

from wiki.demo_content import CIRCLE, OWNER, SITE

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
S = f"/s/{SITE['slug']}"
REVIEW = f"{S}/review/early-review-2027-01-20"
PRIYA = next(p for p in CIRCLE if p["relationship"] == "SENCO")
CHOICES = ["Achieved", "Partly", "Not yet", "Partly", "Achieved", "No longer wanted"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    server = start_server(Path(tmp_path_factory.mktemp("review-moment")) / "demo.db", demo=True)
    yield server
    stop_server(server)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-moment-{name}.png"), full_page=True)


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def every_link_answers(page, base: str) -> int:
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    checked = 0
    for href in sorted(set(hrefs)):
        if href.startswith("#"):
            continue
        got = page.request.get(base + href if href.startswith("/") else href)
        assert got.status < 400, f"{href} answered {got.status}"
        checked += 1
    return checked


def test_senco_runs_the_review_decides_every_outcome_once_and_gets_a_whole_report(
    browser, demo
) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    rhys = phone.new_page()
    sign_in_page(rhys, demo.url, OWNER["email"], OWNER["password"])
    rhys.goto(demo.url + S)
    note = rhys.locator(".home-notes li").first
    assert note.inner_text().startswith("Next review: 20 January 2027.")
    assert note.evaluate("e => e.getBoundingClientRect().bottom") < 844  # the first screen
    with rhys.expect_navigation():
        rhys.get_by_role("link", name="Who runs my review?").click()  # step 1
    rhys.get_by_label(re.compile("Priya Desai")).check()
    with rhys.expect_navigation():
        rhys.get_by_role("button", name="Let them run the review").click()  # step 2
    assert "Priya Desai can now run the review until 14 April 2027." in main_text(rhys)
    assert axe_violations(rhys) == []
    shoot(rhys, "who-runs-390")
    phone.close()

    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    priya = wide.new_page()
    sign_in_page(priya, demo.url, PRIYA["email"], PRIYA["password"])
    priya.goto(demo.url + REVIEW)
    groups = priya.locator("fieldset", has=priya.locator("legend", has_text="Decision for"))
    assert groups.count() == len(CHOICES)
    loads = 0
    for n, choice in enumerate(CHOICES):
        groups.nth(n).get_by_label(choice, exact=True).check()
        priya.locator(f"textarea[name=note-{n}]").fill(
            f"Note {n + 1}: talked it through with Rhys."
        )
    priya.locator("details.evidence summary").first.click()
    priya.locator("input[name^=evidence-0-]").first.check()
    with priya.expect_navigation():
        priya.get_by_role("button", name="Save all the decisions").click()
        loads += 1
    assert loads == 1
    today = date.today()
    decided = priya.locator(".review-outcome", has_text="Decided for this review on")
    assert decided.count() == len(CHOICES)
    shoot(priya, "decided-1280")

    priya.goto(demo.url + f"{S}/-/review-report")
    lines = priya.locator(".report-decisions > li")
    assert lines.count() == len(CHOICES)  # one line per outcome, none dropped
    words = lines.all_inner_texts()
    for n, choice in enumerate(CHOICES):
        assert any(choice in w and f"Note {n + 1}:" in w for w in words), choice
    day = f"{today.day} {today:%B %Y}"
    assert all(f"decided on {day}, for the review on 20 January 2027" in w for w in words)
    assert "Evidence:" in words[0]
    text = main_text(priya)
    assert "###" not in text and "**" not in text  # the summaries are shown rendered
    assert every_link_answers(priya, demo.url) > 5
    with priya.expect_navigation():
        priya.get_by_role("button", name="Save the report in Reviews").click()
    report_url = priya.url
    text = main_text(priya)
    assert "###" not in text and "**" not in text and "](/" not in text
    for n in range(len(CHOICES)):
        assert text.count(f"Note {n + 1}:") == 2  # in the easy read and the professional summary
    assert every_link_answers(priya, demo.url) > 5
    assert axe_violations(priya) == []
    shoot(priya, "report-1280")

    # The report alone, printed and as a PDF.
    with priya.expect_navigation():
        priya.get_by_role("link", name="Print this report, or save it as a PDF").click()
    assert priya.locator(".print-page").count() == 1
    pdf_href = priya.get_by_role("link", name="Download as PDF").get_attribute("href")
    got = priya.request.get(demo.url + pdf_href)
    assert got.status == 200 and got.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(got.body())).pages
    )
    assert "Decisions about each outcome" in pdf and "Note 6:" in pdf
    assert "Invite everyone to the review meeting" not in pdf  # the review page: not in it
    assert report_url.split("/")[-1] in pdf_href
    wide.close()
