"""The statutory review timeline and the school-year rules the review plugin uses (issue #6).

Rules we use, stated once:
- Deadlines count calendar days from the meeting date (``timedelta``), so month ends and
  leap years fall out of the arithmetic; no month is treated as "30 days".
- School holidays are counted like any other days: the review timescales in the SEND
  regulations run in calendar weeks. A due date that lands on a Saturday or Sunday moves
  to the Friday before when it is before the meeting (papers reach people while offices
  are open) and to the Monday after when it is after the meeting (nobody loses a day).
- School year: a child born 1 September to 31 August starts Reception the September after
  they turn four; Year N is N years after Reception. From Year 9 every review covers
  preparing for adulthood.
- Under-fives are reviewed every 3 to 6 months (we suggest 6); everyone else at least yearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PFA_AREAS = [
    ("employment", "Employment", "What work or volunteering would I like to do?"),
    (
        "independent-living",
        "Independent living",
        "Where and how do I want to live; what can I do for myself?",
    ),
    (
        "community",
        "Friends, relationships and community",
        "Who do I spend time with; what do I do in my community?",
    ),
    ("good-health", "Good health", "How do I stay as healthy as I can, and who helps me?"),
]


@dataclass(frozen=True)
class Step:
    key: str
    text: str
    days: int  # from the meeting; negative is before
    who: str


ANNUAL_STEPS = [
    Step(
        "invite",
        "Invite everyone to the review, with at least two weeks' notice",
        -14,
        "School or college",
    ),
    Step(
        "advice", "Gather advice and information and send it to everyone", -14, "School or college"
    ),
    Step("meeting", "Hold the review meeting", 0, "Everyone"),
    Step(
        "report",
        "Send the review report to the council and everyone invited",
        14,
        "School or college",
    ),
    Step("decision", "Council decides: keep the plan, change it, or end it", 28, "Council"),
    Step("amend", "If the plan is changing: final amended plan issued", 28 + 56, "Council"),
]
BUDGET_STEPS = [
    Step(
        "invite", "Agree a date and invite the people who manage the budget", -14, "Social worker"
    ),
    Step("statement", "Gather spending records and bank statements", -7, "Family"),
    Step("meeting", "Hold the budget review", 0, "Everyone"),
    Step("record", "Write down what was agreed and any change to the budget", 14, "Social worker"),
]


def due_date(meeting: date, days: int) -> date:
    due = meeting + timedelta(days=days)
    if due.weekday() >= 5:  # Saturday 5, Sunday 6
        due = (
            due - timedelta(days=due.weekday() - 4)
            if days < 0
            else due + timedelta(days=7 - due.weekday())
        )
    return due


def steps_for(kind: str) -> list[Step]:
    return BUDGET_STEPS if kind == "budget" else ANNUAL_STEPS


def school_year(born: date, on: date) -> int:
    """Year group on a date: 0 is Reception, 1 is Year 1 … (negative before school)."""
    cohort = born.year if born.month >= 9 else born.year - 1  # the school year they were born in
    current = on.year if on.month >= 9 else on.year - 1
    return current - cohort - 5


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def next_review(meeting: date, born: date | None) -> tuple[date, str]:
    """When the next review is due, and why."""
    if born is not None and age_on(born, meeting) < 5:
        return meeting + timedelta(
            days=182
        ), "Children under five are reviewed every 3 to 6 months."
    return meeting + timedelta(days=365), "The plan is reviewed at least once a year."
