"""A new worker's first minutes (issue #23): the handover pack Rhys makes with the defaults
opens with "First five minutes" (emergency and who to call, how he communicates, what not
to do, a good day and a bad day), drawn from the plan's own blocks, each line linking to its
page; then linked contents; then the rest.

A copy never widens access: Priya (the SENCO: Handover and About me, not Health nor Circle)
never finds the seizure plan or a phone number in the pack, in HTML or PDF; Tom (the PA:
Health, not Circle) finds the safety plan's numbers but not Dad's number from the circle;
Daniel (everything) finds both.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from conftest import csrf_of, sign_in
from starlette.testclient import TestClient

from wiki import demo
from wiki.demo_content import CIRCLE, OWNER, SITE

S = f"/s/{SITE['slug']}"
PEOPLE = {p["relationship"]: p for p in CIRCLE}
HELEN_NUMBER = "07700 900456"  # in the safety plan, on the seizure plan page (Health)
DAD_NUMBER = "07700 900245"  # in the circle of support (Circle) only


def client_for(app, person: dict[str, str]) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    sign_in(client, person["email"], person["password"])
    return client


def ticked(html: str) -> list[str]:
    return re.findall(r'name="pages" value="([^"]+)" checked', html)


def first_minutes(html: str) -> str:
    found = re.search(r'<section class="first-minutes".*?</section>', html, re.DOTALL)
    return found.group(0) if found else ""


def words_of(html: str) -> list[str]:
    return unescape(re.sub(r"<[^>]+>", " ", html)).split()


@pytest.fixture
def pack(app, db, settings) -> str:
    """Rhys makes a pack with the form's defaults, changing nothing."""
    demo.load(db, files_dir=settings.files_path())
    rhys = client_for(app, OWNER)
    form = rhys.get(f"{S}/handover-pack/new").text
    made = rhys.post(f"{S}/handover-pack/new", data={
        "csrftoken": csrf_of(form), "title": "How to support me", "note": "",
        "pages": ticked(form), "action": "make"})  # fmt: skip
    assert made.status_code == 303, made.text
    return made.headers["location"].replace("/handover-pack/", "/handover/")


def test_safety_pages_are_ticked_by_default_when_making_a_pack(app, db, settings) -> None:
    demo.load(db, files_dir=settings.files_path())
    form = client_for(app, OWNER).get(f"{S}/handover-pack/new").text
    picked = ticked(form)
    for safety in ("health/seizure-plan", "circle/circle-of-support",
                   "about-me/communication-passport", "about-me/one-page-profile",
                   "about-me/good-day-bad-day"):  # fmt: skip
        assert safety in picked, safety
    assert "It never shows anyone more than they can already read" in form
    assert "no phone numbers from the circle, no seizure plan from Health" in form


def test_new_pa_reads_what_to_do_in_an_emergency_and_who_to_call_first(app, pack) -> None:
    tom = client_for(app, PEOPLE["personal assistant"])
    html = tom.get(pack).text
    first = first_minutes(html)
    assert first, "no First five minutes"
    # First: before the contents and before any part of the pack.
    assert (
        html.index("first-minutes") < html.index("In this handover") < html.index("handover-part")
    )
    text = " ".join(words_of(first))
    for heading in (
        "In an emergency",
        "How I communicate",
        "Please do not",
        "A good day, a bad day",
    ):
        assert heading in text, heading
    assert "Call 999 if a seizure lasts 5 minutes" in text
    assert f'href="tel:07700900456">{HELEN_NUMBER}</a>' in first  # from the safety plan
    assert DAD_NUMBER not in html  # Tom may not read Circle
    assert len(words_of(first)) <= 250
    # Each line links to its full page, and each of those pages opens for Tom.
    lines = re.findall(r'<li><a href="([^"]+)">', first)
    assert len(lines) >= 8
    for href in set(lines):
        assert tom.get(href).status_code == 200, href
    # The contents are links to the parts below.
    contents = re.search(r'<nav class="handover-contents".*?</nav>', html, re.DOTALL)
    assert contents is not None
    anchors = re.findall(r'href="#([^"]+)"', contents.group(0))
    assert len(anchors) == html.count('class="handover-part"') >= 5
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor


def test_social_worker_who_reads_circle_also_finds_the_family_numbers(app, pack) -> None:
    daniel = client_for(app, PEOPLE["social worker"])
    first = first_minutes(daniel.get(pack).text)
    assert HELEN_NUMBER in first or "07700 900123" in first
    assert "Call Mum (Claire)" in first


def test_senco_without_health_or_circle_never_sees_the_seizure_plan_or_numbers(app, pack) -> None:
    priya = client_for(app, PEOPLE["SENCO"])
    html = priya.get(pack).text
    assert "First five minutes" in html  # her part: how Rhys communicates, good and bad days
    for secret in ("999", "07700", "seizure-plan", "What to do if I have a seizure",
                   "midazolam", "circle-of-support"):  # fmt: skip
        assert secret not in html, secret
    assert "There is no emergency plan in this handover that you can read" in html
    # The Handover section's own pages speak of 999; the seizure plan's words and numbers
    # are what must not come through.
    printed = priya.get(f"{S}/-/print/handover").text
    for secret in ("07700", "midazolam", "red pouch"):
        assert secret not in printed, secret


def test_senco_pdf_of_the_pack_has_no_seizure_plan_or_numbers_and_pa_pdf_has_them(
    app, pack
) -> None:
    from pypdf import PdfReader

    def pdf_text(person: dict[str, str]) -> str:
        got = client_for(app, person).get(f"{S}/-/print.pdf?section=handover")
        assert got.status_code == 200, got.text[:300]
        reader = PdfReader(io.BytesIO(got.content))
        return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)

    senco = pdf_text(PEOPLE["SENCO"])
    assert "First five minutes" in senco
    for secret in ("07700", "midazolam", "red pouch"):
        assert secret not in senco, secret
    pa = pdf_text(PEOPLE["personal assistant"])
    assert "Call 999" in pa and HELEN_NUMBER in pa and DAD_NUMBER not in pa
