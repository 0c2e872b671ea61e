"""A review's stored block: the meeting, the checklist with the law's dates, and the text of a
new review page (issues #6 and #17; its own module since #23, when review.py grew past 400
lines). ``plugins.review`` re-exports every name here."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

import yaml
from markupsafe import escape
from pydantic import BaseModel, Field

from plugins import _deadlines as law

SECTION = "reviews"
FENCE = re.compile(r"```review[ \t]*\n(.*?)\n```", re.DOTALL)
KINDS = {"annual": "Annual review", "early": "Early review", "budget": "Budget review"}


class ReviewItem(BaseModel):
    text: str = Field(min_length=1, max_length=300)
    due: date | None = None
    who: str = Field(default="", max_length=80)
    done: bool = False
    key: str = Field(default="", max_length=40)  # the rule in _deadlines it comes from
    why: str = Field(default="", max_length=400)  # one plain sentence
    source: str = Field(default="", max_length=200)
    warning: str = Field(default="", max_length=300)  # another date of the law comes first


class Review(BaseModel):
    """The structured part of a review page."""

    meeting: date
    kind: Literal["annual", "early", "budget"] = "annual"
    status: Literal["open", "closed"] = "open"
    items: list[ReviewItem] = []
    # When the council sent the proposed changes: the 15 days and eight weeks count from it.
    changes_sent: date | None = None
    # Whole-page decisions from before issue #17, kept so old reviews still read; new
    # decisions are saved in each outcome's own block.
    decisions: dict[str, Literal["achieved", "continue", "change"]] = {}


def item_of(deadline: law.Deadline) -> ReviewItem:
    return ReviewItem(text=deadline.what[:300], due=deadline.due, who=deadline.who[:80],
                      key=deadline.key, why=deadline.why[:400], source=deadline.source[:200],
                      warning=deadline.warning[:300])  # fmt: skip


def new_review(facts: law.Facts) -> Review:
    items = [item_of(d) for d in law.for_review(facts)]
    return Review(meeting=facts.meeting, kind=facts.kind, items=items)  # type: ignore[arg-type]


# Checklist lines written before issue #17 had no key: the rule each one was.
LEGACY = {
    "Invite everyone to the review, with at least two weeks' notice": "invite",
    "Gather advice and information and send it to everyone": "advice",
    "Hold the review meeting": "meeting",
    "Send the review report to the council and everyone invited": "report",
    "Council decides: keep the plan, change it, or end it": "decision",
    "If the plan is changing: final amended plan issued": "final",
    "Agree a date and invite the people who manage the budget": "budget-invite",
    "Gather spending records and bank statements": "budget-statement",
    "Hold the budget review": "meeting",
    "Write down what was agreed and any change to the budget": "budget-record",
}


def refresh(review: Review, facts: law.Facts) -> Review:
    """The checklist with the law's dates worked out again from today's facts: a ticked
    item stays ticked; a dated step that no longer applies goes unless it was done; items
    not from the table (another plugin's, or older reviews') stay as they are."""
    for item in review.items:
        if not item.key and item.text in LEGACY:
            item.key = LEGACY[item.text]
    done = {i.key: i.done for i in review.items if i.key}
    fresh = [
        item_of(d).model_copy(update={"done": done.get(d.key, False)})
        for d in law.for_review(facts)
    ]
    keys = {i.key for i in fresh}
    kept = [i for i in review.items if not i.key or (i.done and i.key not in keys)]
    items = sorted([*fresh, *kept], key=lambda i: i.due or review.meeting)
    return review.model_copy(update={"items": items})


def review_body(review: Review, *, year: int | None, name: str) -> str:
    """The text of a new review page: the block, then the questions, the young person first."""
    block = yaml.safe_dump(review.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    parts = [
        f"```review\n{block.rstrip()}\n```",
        f"## What {name} says (in their own words)",
        "- What is working for me:\n- What is not working:\n- What I want to happen next:",
        "## What is working\n\n- \n\n## What is not working\n\n- \n\n## What we have learned\n\n- ",
        "## Stop, keep, start\n\n- Stop:\n- Keep:\n- Start:",
    ]
    if year is not None and year >= 9:
        parts.append("## Preparing for adulthood")
        parts += [f"### {title}\n\n{question}\n\n- " for _, title, question in law.PFA_AREAS]
    return "\n\n".join(parts) + "\n"


def read_review(body: str) -> Review | None:
    found = FENCE.search(body)
    if not found:
        return None
    try:
        return Review.model_validate(yaml.safe_load(found.group(1)) or {})
    except Exception:
        return None


def write_review(body: str, review: Review) -> str:
    block = yaml.safe_dump(
        review.model_dump(mode="json"), sort_keys=False, allow_unicode=True
    ).rstrip()
    return FENCE.sub(lambda _m: f"```review\n{block}\n```", body, count=1)


def render_review(review: Review) -> str:
    """The stored, static view of the block (the live checklist is on the review page)."""
    rows = "".join(
        f"<tr><td>{'Done' if i.done else 'To do'}</td><td>{escape(i.text)}"
        + (f'<br><span class="meta">{escape(i.why)}</span>' if i.why else "")
        + f"</td><td>{escape(_day(i.due) if i.due else '')}</td><td>{escape(i.who)}</td></tr>"
        for i in review.items
    )
    return (
        f'<section class="review-block" aria-label="Review checklist"><p><strong>Review meeting:</strong> '
        f"{escape(_day(review.meeting))}{' (closed)' if review.status == 'closed' else ''}</p>"
        '<div class="table-wrap" tabindex="0" role="region" aria-label="Checklist"><table><thead><tr>'
        '<th scope="col">Status</th><th scope="col">What</th><th scope="col">By</th><th scope="col">Who</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div></section>"
    )


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
