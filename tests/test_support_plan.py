"""Support plan pieces (issue #17): the safety plan block ("what if it is not working",
risks and keeping safe) with its friendly form, and budget guidance beside the budget in
plain words and easy read — shown with a reader's own budget only when they may read it."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from plugins import support_plan
from wiki import store

SITE = "ava"


@pytest.fixture
def ava(app, db, people):
    owner, friend = people.add("Ava"), people.add("Ben")
    store.create_site(db, owner, slug=SITE, title="Ava's plan")
    from wiki.store import circle

    circle.add_member(db, owner, site=SITE, email=friend.email, groups=["friends"])
    circle.add_grant(
        db, owner, site=SITE, section="about-me", capability="view", person=friend.email
    )
    budget = "```budget\nperiod: April 2026 to March 2027\nallocations:\n- stream: social care\n  amount: 1200\n```\n"
    store.save_page(db, owner, site=SITE, section="budget", page="money", body=budget, base_revision=None,
                    title="Money this year")  # fmt: skip
    store.save_page(db, owner, site=SITE, section="budget", page="guide", base_revision=None,
                    body="```budget-guidance\neasy_read: true\n```\n", title="Guide")  # fmt: skip
    store.save_page(db, owner, site=SITE, section="about-me", page="safety", body="How I stay safe.\n",
                    base_revision=None, title="Staying safe")  # fmt: skip
    return people.client(owner), people.client(friend)


def _hidden(text: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))


def test_the_safety_plan_is_added_with_a_friendly_form_and_shown_escaped(ava):
    owner, friend = ava
    url = f"/s/{SITE}/about-me/safety/blocks/new?type=safeguards"
    form = owner.get(url)
    assert form.status_code == 200
    assert "How we will know support is not working" in form.text and "Add a risk" in form.text
    data = {**_hidden(form.text), "signs": "I stop going to club.\nI sleep badly.",
            "then_we": "Ask for a review early.", "risks.0.risk": "My PA is ill <script>alert(1)</script>",
            "risks.0.prevent": "A second PA knows my route.", "risks.0.if_it_happens": "Mum takes me.",
            "worried.0.who": "Dan, my social worker", "worried.0.when": "Weekdays", "emergency": "Call 999."}  # fmt: skip
    saved = owner.post(url, data=data)
    assert saved.status_code == 303, saved.text
    page = friend.get(f"/s/{SITE}/about-me/safety")  # a reader who may only read About me
    assert page.status_code == 200
    text = page.text
    assert "How we will know support is not working" in text and "I sleep badly." in text
    assert "Risks, and how we keep me safe" in text and "A second PA knows my route." in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "In an emergency:" in text and "Dan, my social worker" in text


def test_a_safety_plan_needs_the_risk_itself():
    with pytest.raises(ValueError):
        support_plan.Safeguards.model_validate({"risks": [{"prevent": "x"}]})


def test_guidance_is_linked_beside_every_budget_and_nowhere_else(ava):
    owner, _friend = ava
    assert "/-/budget-guidance" in owner.get(f"/s/{SITE}/budget/money").text
    assert "/-/budget-guidance" not in owner.get(f"/s/{SITE}/about-me/safety").text


@pytest.mark.parametrize("read", ["", "?read=easy"])
def test_guidance_shows_the_budget_only_to_people_who_may_read_it(ava, read: str):
    owner, friend = ava
    mine = owner.get(f"/s/{SITE}/-/budget-guidance{read}")
    assert mine.status_code == 200
    assert "£1,200.00 in all" in mine.text and "Money this year" in mine.text
    theirs = friend.get(f"/s/{SITE}/-/budget-guidance{read}")
    assert theirs.status_code == 200
    assert "1,200" not in theirs.text and "Money this year" not in theirs.text
    assert ("Questions to ask" in theirs.text) and ("cannot" in theirs.text)


def test_guidance_in_easy_read_uses_short_sentences(ava):
    owner, _friend = ava
    easy = owner.get(f"/s/{SITE}/-/budget-guidance?read=easy").text
    part = easy.split("You can use your budget for", 1)[1].split('class="meta"', 1)[0]
    sentences = [s for s in re.split(r"[.?]\s|<[^>]+>", html.unescape(part)) if s.strip()]
    assert sentences and max(len(s.split()) for s in sentences) <= 10
    plain = owner.get(f"/s/{SITE}/-/budget-guidance").text
    assert "prescriptions" in plain and "safeguarding lead" in plain


def test_the_guidance_block_renders_plain_or_easy_read(ava):
    owner, _friend = ava
    shown = owner.get(f"/s/{SITE}/budget/guide").text
    assert "You can use your budget for" in shown and "Jabs and check-ups." in shown
    assert "Questions to ask a provider" not in shown  # the easy-read version only


def test_guidance_needs_someone_who_may_see_the_plan(ava, app):
    assert TestClient(app, follow_redirects=False).get(
        f"/s/{SITE}/-/budget-guidance"
    ).status_code in (302, 303, 404)
