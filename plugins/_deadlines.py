"""Deadlines from the law, worked out from the plan's facts: one table of rules (issue #17).

Each row of ``RULES`` says when it applies, how its date is worked out, the one plain
sentence a family reads beside the date, and where the rule comes from. ``deadlines()``
runs the table for one review; tests/test_review_deadlines.py has a test for every row.

Rules we use, stated once:
- Dates are the law's own dates, counted in calendar days, weeks and months from the
  meeting (``timedelta`` and ``add_months``), so month ends, year ends and leap years fall
  out of the arithmetic. We do not move a date off a weekend: moving it earlier takes days
  from the family, moving it later tells a council it is on time when it is late.
- "Within 12 months" (or three, or six) of a day is a period that starts with that day, so
  it ends the day before the same date comes round (``within_months``): a review on
  8 October 2026 is followed by one by 7 October 2027. "At least five months before" a
  day is the same date five months earlier, or the month's last day if it is shorter.
- School year: a child born 1 September to 31 August starts Reception the September
  after they turn four; Year N is N years after Reception. From Year 9 every review covers
  preparing for adulthood.
- A phase transfer happens in September unless the plan says when: the year of transfer
  is worked out from the year group (and for the move from secondary school to post-16,
  from the end of compulsory school age, the last Friday of June in the year they turn 16).
- The review's own steps are on every checklist; the plan's dates (a phase transfer, the
  first direct payment review, the end of compulsory school age) are on it when they fall
  between the last review and the next one.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from wiki.plugin_api import end_of_compulsory_school_age

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

# The phases of education, in order (SEND Regulations 2014, regulation 18(3)).
PHASES = ("early years", "primary school", "secondary school", "post-16 institution")
# The year group a move into each phase starts in (Reception is 0).
FIRST_YEAR = {"primary school": 0, "secondary school": 7, "post-16 institution": 12}
REGS = "SEND Regulations 2014"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), or the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def within_months(start: date, months: int) -> date:
    """The last day of the period of ``months`` months that starts with ``start``."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if start.day > last:  # no such day (31 April, 29 February): the period runs to the month end
        return date(year, month + 1, last)
    return date(year, month + 1, start.day) - timedelta(days=1)


def school_year(born: date, on: date) -> int:
    """Year group on a date: 0 is Reception, 1 is Year 1 … (negative before school)."""
    cohort = born.year if born.month >= 9 else born.year - 1  # the school year they were born in
    current = on.year if on.month >= 9 else on.year - 1
    return current - cohort - 5


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Facts:
    """What the plan says, as of one review meeting."""

    meeting: date
    kind: str = "annual"  # annual, early (a review before the yearly one is due) or budget
    name: str = "the young person"
    born: date | None = None
    year_group: int | None = None  # only when it differs from the one for their age
    setting: str = ""  # one of PHASES, or "" when not known
    moving_to: str = ""  # one of PHASES when a move is planned
    moving_on: date | None = None  # the day of the move, when known
    first_direct_payment: date | None = None
    previous_review: date | None = None
    changes_sent: date | None = None  # when the council sent the proposed changes

    @property
    def year(self) -> int | None:
        if self.year_group is not None:
            return self.year_group
        return school_year(self.born, self.meeting) if self.born else None

    @property
    def under_five(self) -> bool:
        return self.born is not None and age_on(self.born, self.meeting) < 5

    @property
    def statutory(self) -> bool:
        return self.kind != "budget"

    @property
    def transfer_year(self) -> int | None:
        """The calendar year of the planned move between phases, if it can be known."""
        if self.moving_on is not None:
            return self.moving_on.year
        if self.moving_to not in FIRST_YEAR:
            return None
        if self.moving_to == "post-16 institution" and self.born and self.year_group is None:
            return end_of_compulsory_school_age(self.born).year  # they start in that September
        if self.year is None:
            return None
        school_started = self.meeting.year if self.meeting.month >= 9 else self.meeting.year - 1
        return school_started + FIRST_YEAR[self.moving_to] - self.year

    @property
    def phase_move(self) -> bool:
        return self.setting in PHASES and self.moving_to in PHASES

    @property
    def changes_from(self) -> date:
        """The proposed changes are sent on this day (or, not yet known, by the latest lawful day)."""
        return self.changes_sent or self.meeting + timedelta(weeks=4)

    @property
    def next_review(self) -> date:
        return within_months(self.meeting, 6 if self.under_five else 12)

    @property
    def window_start(self) -> date:
        return self.previous_review or add_months(self.meeting, -12)


@dataclass(frozen=True)
class Rule:
    key: str
    what: str  # the checklist line
    who: str
    applies: Callable[[Facts], bool]
    due: Callable[[Facts], date | None]
    why: str  # one plain sentence; {name}, {date} and the words in _words() fill it in
    source: str
    plan_wide: bool = False  # a date of the plan, not of this review: shown in the window
    # A date that tells how old the young person is (issue #25): never written into the
    # checklist, which everyone who reads Reviews reads; the young person and their stewards
    # see it on the growing-up page instead.
    personal: bool = False


@dataclass(frozen=True)
class Deadline:
    key: str
    what: str
    who: str
    due: date
    why: str
    source: str
    warning: str = ""  # when another date of the law comes first


TRANSFERS = ("transfer-post-16", "transfer-between-post-16", "transfer-other")


def _transfer(f: Facts, month: int, day_of_month: int) -> date | None:
    year = f.transfer_year
    return date(year, month, day_of_month) if year else None


def _secondary_to_post16(f: Facts) -> bool:
    return f.setting == "secondary school" and f.moving_to == "post-16 institution"


def _post16_to_post16(f: Facts) -> bool:
    return f.setting == "post-16 institution" and f.moving_to == "post-16 institution"


def _other_phase_move(f: Facts) -> bool:
    return (
        f.phase_move
        and f.setting != f.moving_to
        and not _secondary_to_post16(f)
        and PHASES.index(f.moving_to) > PHASES.index(f.setting)
    )


BEFORE = "School or college"
RULES: list[Rule] = [
    Rule("invite", "Invite everyone to the review meeting", BEFORE,
         lambda f: f.statutory, lambda f: f.meeting - timedelta(weeks=2),
         "Everyone must be invited at least two weeks before the meeting.",
         f"{REGS}, regulations 20 and 21"),
    Rule("advice", "Gather advice and information and send it to everyone invited", BEFORE,
         lambda f: f.statutory, lambda f: f.meeting - timedelta(weeks=2),
         "The advice and information must reach everyone at least two weeks before the meeting.",
         f"{REGS}, regulations 20 and 21"),
    Rule("meeting", "Hold the review meeting", "Everyone",
         lambda f: True, lambda f: f.meeting,
         "This is the day agreed for the meeting; the other dates are counted from it.",
         "The date chosen when the review was started"),
    Rule("report", "Send the review report to the council and everyone invited", BEFORE,
         lambda f: f.statutory, lambda f: f.meeting + timedelta(weeks=2),
         "The report, with any changes it proposes, must be sent within two weeks of the meeting.",
         f"{REGS}, regulations 20 and 21"),
    Rule("decision", "Council decides: keep the plan, change it, or end it", "Council",
         lambda f: f.statutory, lambda f: f.meeting + timedelta(weeks=4),
         "The council must tell the family within four weeks of the meeting what it has decided.",
         f"{REGS}, regulation 22"),
    Rule("comments", "If the plan is changing: the family comments on the proposed changes", "Family",
         lambda f: f.statutory, lambda f: f.changes_from + timedelta(days=15),
         "The family has at least 15 days to comment on the proposed changes, {counted}.",
         f"{REGS}, regulation 22"),
    Rule("final", "If the plan is changing: the final amended plan is issued", "Council",
         lambda f: f.statutory, lambda f: f.changes_from + timedelta(weeks=8),
         "The final plan must be issued within eight weeks of the proposed changes, {counted}.",
         f"{REGS}, regulation 22"),
    Rule("next-review", "Next review of the plan", "Council",
         lambda f: not f.under_five, lambda f: f.next_review,
         "The plan must be reviewed at least every 12 months.",
         "Children and Families Act 2014, section 44"),
    Rule("next-review-under-five", "Next review of the plan", "Council",
         lambda f: f.under_five, lambda f: f.next_review,
         "{name} is under five, so the plan should be reviewed every three to six months: "
         "from {early} and by {date}.",
         "SEND Code of Practice 2015, paragraph 9.178"),
    Rule("transfer-post-16", "Plan reviewed and changed for the move from school to college", "Council",
         _secondary_to_post16, lambda f: _transfer(f, 3, 31),
         "{name} moves from secondary school to a post-16 place in {year}, so the council must "
         "finish the plan's review and changes by 31 March {year}.",
         f"{REGS}, regulation 18", plan_wide=True),
    Rule("transfer-between-post-16", "Plan reviewed and changed for the move to a new college", "Council",
         lambda f: _post16_to_post16(f) and f.moving_on is not None,
         lambda f: add_months(f.moving_on, -5) if f.moving_on else None,
         "{name} moves to another post-16 place on {moving}, so the plan must be reviewed and "
         "changed at least five months before the move.",
         f"{REGS}, regulation 18", plan_wide=True),
    Rule("transfer-other", "Plan reviewed and changed for the move to {moving_to}", "Council",
         _other_phase_move, lambda f: _transfer(f, 2, 15),
         "{name} moves from {setting} to {moving_to} in {year}, so the council must finish the "
         "plan's review and changes by 15 February {year}.",
         f"{REGS}, regulation 18", plan_wide=True),
    Rule("direct-payment", "First review of the direct payment", "Council",
         lambda f: f.first_direct_payment is not None,
         lambda f: within_months(f.first_direct_payment, 3) if f.first_direct_payment else None,
         "The first direct payment was made on {start}, so the council must check how it is "
         "going within three months of it.",
         "SEN (Personal Budgets) Regulations 2014, regulation 11, and the family guide "
         "(Making it Personal, section 6)", plan_wide=True),
    Rule("end-of-school-age", "{name} reaches the end of compulsory school age", "Everyone",
         lambda f: f.born is not None,
         lambda f: end_of_compulsory_school_age(f.born) if f.born else None,
         "After the last Friday of June in the school year {name} turns 16, {name} makes the "
         "decisions about the plan instead of their parents.",
         "Education Act 1996, section 8, and Children and Families Act 2014, section 83",
         plan_wide=True, personal=True),
]  # fmt: skip


def _words(f: Facts, due: date) -> dict[str, str]:
    return {
        "name": f.name,
        "date": day(due),
        "early": day(add_months(f.meeting, 3)),
        "year": str(f.transfer_year or ""),
        "setting": f.setting,
        "moving_to": f.moving_to,
        "moving": day(f.moving_on) if f.moving_on else "",
        "start": day(f.first_direct_payment) if f.first_direct_payment else "",
        "counted": (
            f"counted from {day(f.changes_sent)}, when the council sent them"
            if f.changes_sent
            else "counted here from the last day the council may send them"
        ),
    }


def deadlines(facts: Facts, *, personal: bool = False) -> list[Deadline]:
    """Every dated step that applies to this review, earliest first, each with its reason
    (``personal``: also the dates that tell the young person's age)."""
    found = []
    for rule in RULES:
        if (rule.personal and not personal) or not rule.applies(facts):
            continue
        due = rule.due(facts)
        if due is None:
            continue
        if rule.plan_wide and not facts.window_start <= due <= facts.next_review:
            continue
        words = _words(facts, due)
        why = rule.why.format(**words)
        found.append(Deadline(rule.key, rule.what.format(**words), rule.who, due,
                              why[:1].upper() + why[1:], rule.source))  # fmt: skip
    return sorted(_earlier_date_wins(found), key=lambda d: d.due)


def _earlier_date_wins(found: list[Deadline]) -> list[Deadline]:
    """A move's deadline before the eight weeks run out: say so on the final plan's line."""
    move = next((d for d in found if d.key in TRANSFERS), None)
    if move is None:
        return found
    warning = (
        f"Because of the move, the final plan is needed by {day(move.due)}, "
        "before the eight weeks run out."
    )
    return [
        replace(d, warning=warning) if d.key == "final" and move.due < d.due else d for d in found
    ]


# A budget review: good practice, not law; the plan and the family agree the dates.
BUDGET_STEPS = [
    ("invite", "Agree a date and invite the people who manage the budget", -14, "Social worker"),
    ("statement", "Gather spending records and bank statements", -7, "Family"),
    ("record", "Write down what was agreed and any change to the budget", 14, "Social worker"),
]


def budget_steps(facts: Facts) -> list[Deadline]:
    return [
        Deadline(f"budget-{key}", text, who, facts.meeting + timedelta(days=days),
                 "A good habit for a budget review; the law sets no date for this step.",
                 "Good practice, from the family guide (Making it Personal, section 6)")
        for key, text, days, who in BUDGET_STEPS
    ]  # fmt: skip


def for_review(facts: Facts, *, personal: bool = False) -> list[Deadline]:
    """The checklist's dated steps for a review of this kind. The checklist is a page every
    reader of Reviews reads, so dates that tell the young person's age are left out unless
    ``personal`` is asked for (issue #25)."""
    steps = deadlines(facts, personal=personal)
    if facts.kind == "budget":
        steps += budget_steps(facts)
    return sorted(steps, key=lambda d: d.due)
