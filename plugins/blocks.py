"""The person-centred thinking tools as structured blocks (issue #5).

Each block lives in a page's text as a fenced block with YAML inside::

    ```outcome
    outcome: I get the bus to college on my own
    area: independent living
    by_when: 2027-09-30
    ```

The pydantic model validates it; the renderer turns it into HTML through Jinja2
templates with autoescape on, so every value a person wrote is escaped. The same
models drive the friendly forms (``plugins/block_forms.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from plugins import _circle_layout as circle_layout
from plugins._circle_layout import Spot
from wiki.plugin_api import BlockType, hookimpl

TEMPLATES = Path(__file__).parent / "templates"

# ---- field types that forgive the way people write YAML -------------------------------------


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal | date):
        return str(value)
    return value


def _lines(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [
            line.strip().removeprefix("- ").strip() for line in value.splitlines() if line.strip()
        ]
    if isinstance(value, list):
        return [v for v in value if v is not None and not (isinstance(v, str) and not v.strip())]
    return value


def _refs(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, str):
        return [
            p.strip() for p in value.replace(" and ", ",").replace(";", ",").split(",") if p.strip()
        ]
    return value


def _money(value: Any) -> Any:
    if isinstance(value, str):
        cleaned = value.replace("£", "").replace(",", "").strip()
        return cleaned if cleaned else "0"
    if isinstance(value, float):
        return repr(value)  # the shortest text that is this number: no binary noise
    return value


def _day(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


Line = Annotated[
    str, BeforeValidator(_text), StringConstraints(strip_whitespace=True, max_length=300)
]
NeededLine = Annotated[
    str,
    BeforeValidator(_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
]
Para = Annotated[
    str, BeforeValidator(_text), StringConstraints(strip_whitespace=True, max_length=4000)
]
NeededPara = Annotated[
    str,
    BeforeValidator(_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
]
Lines = Annotated[list[Line], BeforeValidator(_lines), Field(max_length=100)]
Ref = Annotated[
    str,
    BeforeValidator(_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
]
Refs = Annotated[list[Ref], BeforeValidator(_refs), Field(max_length=20)]
Money = Annotated[Decimal, BeforeValidator(_money), Field(ge=0, max_digits=10, decimal_places=2)]
Day = Annotated[date, BeforeValidator(_day)]
OptionalDay = Annotated[date | None, BeforeValidator(_day)]

STREAMS = ("education", "health", "social care")
Stream = Literal["education", "health", "social care"]
AREAS = (
    "education",
    "employment",
    "independent living",
    "friends, relationships and community",
    "good health",
)
Area = Literal[
    "education",
    "employment",
    "independent living",
    "friends, relationships and community",
    "good health",
]
STATUSES = ("not started", "started", "going well", "stuck", "achieved")
Status = Literal["not started", "started", "going well", "stuck", "achieved"]
RINGS = ("closest", "friends and family", "community", "paid support")
Ring = Literal["closest", "friends and family", "community", "paid support"]
RING_TITLES = {
    "closest": "The people closest to me",
    "friends and family": "Friends and family",
    "community": "People in my community",
    "paid support": "People paid to support me",
}
MANAGED = ("direct payment", "council managed", "NHS managed", "third party or ISF", "a mix")
Managed = Literal["direct payment", "council managed", "NHS managed", "third party or ISF", "a mix"]
KINDS = ("", "education", "health", "social care", "other")
Kind = Literal["", "education", "health", "social care", "other"]


def long(**extra: Any) -> dict[str, Any]:
    return {"long": True, **extra}


class BlockModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- one-page profile and friends ------------------------------------------------------------


class OnePageProfile(BlockModel):
    like_and_admire: Lines = Field(default_factory=list, title="What people like and admire about me",
                                   description="One thing on each line.")  # fmt: skip
    important_to_me: Lines = Field(default_factory=list, title="What is important to me",
                                   description="One thing on each line.")  # fmt: skip
    how_to_support_me: Lines = Field(default_factory=list, title="How best to support me",
                                     description="One thing on each line.")  # fmt: skip


class Balance(BlockModel):
    to_me: NeededLine = Field(title="Important to me")
    for_me: Line = Field(default="", title="Important for me")
    how: Para = Field(default="", title="How we make both work", json_schema_extra=long())


class ImportantToFor(BlockModel):
    important_to: Lines = Field(default_factory=list, title="Important to me",
                                description="What matters to me, in my words. One thing on each line.")  # fmt: skip
    important_for: Lines = Field(default_factory=list, title="Important for me",
                                 description="What keeps me healthy and safe. One thing on each line.")  # fmt: skip
    balance: list[Balance] = Field(default_factory=list, title="Getting the balance right",
                                   json_schema_extra={"item": "balance"})  # fmt: skip


class View(BlockModel):
    who: NeededLine = Field(title="Who said this")
    working: Lines = Field(
        default_factory=list, title="What is working", description="One thing on each line."
    )
    not_working: Lines = Field(default_factory=list, title="What is not working",
                               description="One thing on each line.")  # fmt: skip


class WorkingNotWorking(BlockModel):
    views: list[View] = Field(default_factory=list, title="What people said",
                              json_schema_extra={"item": "person's view"})  # fmt: skip
    next_steps: Lines = Field(default_factory=list, title="What we are going to do about it",
                              description="One thing on each line.")  # fmt: skip


class GoodDayBadDay(BlockModel):
    good_day: Lines = Field(
        default_factory=list, title="A good day", description="One thing on each line."
    )
    bad_day: Lines = Field(
        default_factory=list, title="A bad day", description="One thing on each line."
    )
    turn_it_round: Lines = Field(default_factory=list, title="What helps turn a bad day round",
                                 description="One thing on each line.")  # fmt: skip


class PassportEntry(BlockModel):
    when: NeededLine = Field(title="When I do or say this")
    it_means: NeededLine = Field(title="It usually means")
    please: Line = Field(default="", title="Please do this")


class CommunicationPassport(BlockModel):
    entries: list[PassportEntry] = Field(default_factory=list, title="What I do, what it means, what to do",
                                         json_schema_extra={"item": "entry"})  # fmt: skip
    tips: Lines = Field(default_factory=list, title="Things that help me understand you",
                        description="One thing on each line.")  # fmt: skip


class Member(BlockModel):
    name: NeededLine = Field(title="Name")
    relationship: Line = Field(
        default="", title="Who they are to me", description="For example: mum, best friend, PA."
    )
    ring: Ring = Field(default="friends and family", title="Which circle",
                       description="Closest; friends and family; people in my community; people paid to support me.")  # fmt: skip
    how_they_help: Para = Field(default="", title="How they help", json_schema_extra=long())
    contact: Line = Field(default="", title="How to contact them")


class Circle(BlockModel):
    person: Line = Field(
        default="Me", title="Whose circle this is", description="The name in the middle."
    )
    members: list[Member] = Field(default_factory=list, title="People in my circle",
                                  json_schema_extra={"item": "person"})  # fmt: skip
    wishes: Lines = Field(default_factory=list, title="Who I would like in my circle",
                          description="One thing on each line.")  # fmt: skip


# ---- outcomes ------------------------------------------------------------------------------


class Step(BlockModel):
    what: NeededLine = Field(
        title="Step or solution", description="What will help, like travel training."
    )
    who: Line = Field(default="", title="Who does it")
    cost: Money = Field(
        default=Decimal(0), title="Cost in pounds", description="Write 0 if it costs nothing."
    )
    kind: Kind = Field(
        default="",
        title="Kind of help",
        description="For the EHC plan: education, health or social care.",
    )
    done: bool = Field(default=False, title="Done")


class ProgressNote(BlockModel):
    date: Day = Field(title="Date")
    note: NeededPara = Field(title="What happened", json_schema_extra=long())
    by: Line = Field(default="", title="Written by")


DECISIONS = ("achieved", "partly", "not yet", "no longer wanted")
Decision = Literal["achieved", "partly", "not yet", "no longer wanted"]
# An evidence line is a link written as [what it is](/s/...) or plain words (a budget line).
_EVIDENCE_LINK = re.compile(r"^\[(?P<label>[^\]]+)\]\((?P<url>/[^)\s]*)\)$")


def evidence_parts(line: str) -> tuple[str, str]:
    """(label, url) of an evidence line; the url is "" for plain words. Only links inside
    the wiki (starting with "/") are links: nothing else can become a link (issue #17)."""
    found = _EVIDENCE_LINK.match(line.strip())
    return (found["label"], found["url"]) if found else (line, "")


class OutcomeReview(BlockModel):
    """What one review decided about one outcome (issue #17): saved in the outcome's own
    block, so its history and who may see it are the outcome's."""

    date: Day = Field(title="Date of the review")
    decision: Decision = Field(title="Decision",
                               description="Achieved, partly, not yet, or no longer wanted.")  # fmt: skip
    note: Para = Field(default="", title="Progress note", json_schema_extra=long(rows=2))
    evidence: Lines = Field(default_factory=list, title="Evidence",
                            description="Pages, photos, recordings or budget lines. One on each line; a link as [what it is](/s/…).")  # fmt: skip
    review: Line = Field(default="", max_length=60, title="Review page",
                         description="The address of the review page in Reviews, like annual-review-2027-01-20.")  # fmt: skip
    decided_on: OptionalDay = Field(default=None, title="Decided on",
                                    description="The day the decision was made (it can be before the meeting).")  # fmt: skip


class Outcome(BlockModel):
    ref: Line = Field(default="", max_length=40, title="Number or short name",
                      description="Used to link spending to this outcome, like 1 or bus.")  # fmt: skip
    outcome: NeededPara = Field(title="The outcome, starting with “I”",
                                description="What the young person wants, in their words, like “I get the bus to college on my own”.",
                                json_schema_extra=long(rows=2))  # fmt: skip
    area: Area = Field(title="Area of life")
    by_when: Day = Field(title="By when")
    how_we_will_know: Para = Field(
        default="", title="How we will know", json_schema_extra=long(rows=2)
    )
    status: Status = Field(default="not started", title="How it is going")
    steps: list[Step] = Field(
        default_factory=list, title="Steps and solutions", json_schema_extra={"item": "step"}
    )
    progress: list[ProgressNote] = Field(default_factory=list, title="Progress notes",
                                         json_schema_extra={"item": "note"})  # fmt: skip
    reviews: list[OutcomeReview] = Field(default_factory=list, title="Review decisions",
                                         json_schema_extra={"item": "review decision"})  # fmt: skip

    @field_validator("outcome")
    @classmethod
    def _starts_with_i(cls, value: str) -> str:
        first = value.split(maxsplit=1)[0] if value.split() else ""
        if first != "I" and not first.startswith(("I'", "I’")):
            raise ValueError(
                "Write the outcome as the young person would say it, starting with “I”, like “I get the bus on my own”."
            )
        return value

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def cost(self) -> Decimal:
        return sum((s.cost for s in self.steps), Decimal(0))

    @property
    def decided(self) -> list[OutcomeReview]:
        """Its review decisions, oldest first."""
        return sorted(self.reviews, key=lambda r: r.date)

    @property
    def latest_decision(self) -> OutcomeReview | None:
        return self.decided[-1] if self.reviews else None

    @property
    def trend(self) -> str:
        """The decisions in order, like "not yet → partly → achieved"."""
        return " → ".join(r.decision for r in self.decided)


# ---- personal budget -------------------------------------------------------------------------


class Allocation(BlockModel):
    stream: Stream = Field(title="Funding stream")
    amount: Money = Field(title="Amount in pounds")
    managed: Managed = Field(default="direct payment", title="How it is managed")
    held_by: Line = Field(default="", title="Who holds the money")


# What planned lines and payments share: which outcomes the money is for. Shared as
# annotated types (not a base class) so the form and the text keep the fields in order.
ForOutcomes = Annotated[
    Refs,
    Field(default_factory=list, title="For outcomes",
          description="Outcome numbers or short names, with commas: 1, 3, 4.",
          json_schema_extra={"inline": True}),
]  # fmt: skip
RunningCost = Annotated[bool, Field(title="This runs the budget (like payroll), not one outcome")]


class PlannedLine(BlockModel):
    what: NeededLine = Field(title="What it is for")
    stream: Stream = Field(title="Funding stream")
    amount: Money = Field(title="Planned amount in pounds")
    outcomes: ForOutcomes
    running_cost: RunningCost = False


class Payment(BlockModel):
    date: Day = Field(title="Date paid")
    what: NeededLine = Field(title="What it paid for")
    stream: Stream = Field(title="Funding stream")
    amount: Money = Field(title="Amount in pounds")
    outcomes: ForOutcomes
    running_cost: RunningCost = False


class Banked(BlockModel):
    date: OptionalDay = Field(default=None, title="Date")
    amount: Money = Field(title="Amount banked in pounds")
    note: Line = Field(default="", title="What it is saved for")


class Budget(BlockModel):
    period: NeededLine = Field(
        title="The budget year", description="For example: April 2026 to March 2027."
    )
    allocations: list[Allocation] = Field(default_factory=list, title="How much, and where it comes from",
                                          json_schema_extra={"item": "funding stream"})  # fmt: skip
    planned: list[PlannedLine] = Field(default_factory=list, title="What we plan to spend it on",
                                       json_schema_extra={"item": "spend line"})  # fmt: skip
    payments: list[Payment] = Field(
        default_factory=list, title="Payments made", json_schema_extra={"item": "payment"}
    )
    banked: list[Banked] = Field(default_factory=list, title="Money banked for later",
                                 json_schema_extra={"item": "amount banked"})  # fmt: skip


# ---- dreams and real wealth ------------------------------------------------------------------


class Helper(BlockModel):
    who: NeededLine = Field(title="Who")
    how: Line = Field(default="", title="How they will help")


class FirstStep(BlockModel):
    step: NeededLine = Field(title="Step")
    by_when: Line = Field(default="", title="By when")
    done: bool = Field(default=False, title="Done")


class PathTool(BlockModel):
    dream: Lines = Field(
        default_factory=list, title="The dream", description="One thing on each line."
    )
    goal: Lines = Field(
        default_factory=list,
        title="The goal",
        description="What will be true in a year. One thing on each line.",
    )
    goal_by: Line = Field(
        default="", title="The goal, by when", description="For example: November 2027."
    )
    now: Lines = Field(
        default_factory=list, title="Where I am now", description="One thing on each line."
    )
    who_will_help: list[Helper] = Field(
        default_factory=list, title="Who will help", json_schema_extra={"item": "helper"}
    )
    first_steps: list[FirstStep] = Field(
        default_factory=list, title="First steps", json_schema_extra={"item": "step"}
    )


class RealWealth(BlockModel):
    people: Lines = Field(
        default_factory=list,
        title="People",
        description="Family, friends, neighbours. One on each line.",
    )
    access: Lines = Field(
        default_factory=list,
        title="Access",
        description="Places and services we can use. One on each line.",
    )
    skills_and_knowledge: Lines = Field(
        default_factory=list, title="Skills and knowledge", description="One on each line."
    )
    assets: Lines = Field(
        default_factory=list, title="Assets", description="Things we have. One on each line."
    )
    resilience: Lines = Field(
        default_factory=list,
        title="Resilience",
        description="What keeps us going. One on each line.",
    )


# ---- rendering -------------------------------------------------------------------------------


def money(value: Decimal | int | float) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def sentence(text: str) -> str:
    """First letter a capital, the rest as written ("NHS managed" stays so)."""
    return text[:1].upper() + text[1:]


def refs_label(refs: list[str]) -> str:
    if not refs:
        return ""
    if len(refs) == 1:
        return refs[0]
    return ", ".join(refs[:-1]) + " and " + refs[-1]


_env = Environment(
    loader=FileSystemLoader(TEMPLATES / "blocks"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["money"] = money
_env.filters["day"] = day
_env.filters["refs"] = refs_label
_env.filters["sentence"] = sentence
_env.filters["evidence"] = evidence_parts


def _render(template: str, **context: Any) -> str:
    return _env.get_template(template).render(**context)


# Circle of support: four rings around the person, drawn as concentric circles.
RING_RADII = {
    "closest": (52, 132),
    "friends and family": (132, 196),
    "community": (196, 252),
    "paid support": (252, 305),
}
MAX_ON_RING = 10


RING_NAMES = {"closest": "Closest", "friends and family": "Family and friends",
              "community": "Community", "paid support": "Paid support"}  # fmt: skip
Placed = Spot  # the old name, for callers that imported it


def place_members(model: Circle) -> dict[str, list[Spot]]:
    """Where each name goes: inside its own ring, never over a line, a ring's name or another
    name (issue #16); whoever does not fit is counted in "+N more" (the list names everyone)."""
    rings = {ring: [m.name for m in model.members if m.ring == ring] for ring in RINGS}
    return circle_layout.place(rings, RING_RADII, RING_NAMES, most=MAX_ON_RING)


def render_circle(model: Circle) -> str:
    by_ring = {ring: [m for m in model.members if m.ring == ring] for ring in RINGS}
    # The arcs' ids in the picture: the same circle draws the same ids (issue #16).
    uid = hashlib.sha256(model.model_dump_json().encode()).hexdigest()[:6]
    return _render("circle.html", m=model, rings=RINGS, titles=RING_TITLES, radii=RING_RADII,
                   ring_names=RING_NAMES, placed=place_members(model), by_ring=by_ring,
                   uid=uid)  # fmt: skip


def render_outcome(model: Outcome) -> str:
    return _render("outcome.html", m=model)


@dataclass
class StreamTotal:
    stream: str
    allocated: Decimal
    planned: Decimal
    spent: Decimal
    managed: list[str]

    @property
    def left(self) -> Decimal:
        return self.allocated - self.spent


@dataclass
class OutcomeTotal:
    label: str
    planned: Decimal
    spent: Decimal


@dataclass
class BudgetSummary:
    streams: list[StreamTotal]
    outcomes: list[OutcomeTotal]
    allocated: Decimal
    planned: Decimal
    spent: Decimal
    banked: Decimal
    warnings: list[str]

    @property
    def left(self) -> Decimal:
        return self.allocated - self.spent


def _outcome_key(refs: list[str], running: bool) -> str:
    if running:
        return "Running the budget"
    if not refs:
        return "Not linked to an outcome"
    return ("Outcome " if len(refs) == 1 else "Outcomes ") + refs_label(refs)


def summarise(model: Budget) -> BudgetSummary:
    """Totals by stream and by outcome, and plain warnings, from one budget block."""
    zero = Decimal(0)
    allocated: dict[str, Decimal] = defaultdict(lambda: zero)
    managed: dict[str, list[str]] = defaultdict(list)
    for a in model.allocations:
        allocated[a.stream] += a.amount
        if a.managed not in managed[a.stream]:
            managed[a.stream].append(a.managed)
    planned: dict[str, Decimal] = defaultdict(lambda: zero)
    spent: dict[str, Decimal] = defaultdict(lambda: zero)
    by_outcome: dict[str, list[Decimal]] = {}
    for line in model.planned:
        planned[line.stream] += line.amount
        by_outcome.setdefault(_outcome_key(line.outcomes, line.running_cost), [zero, zero])[0] += (
            line.amount
        )
    for pay in model.payments:
        spent[pay.stream] += pay.amount
        by_outcome.setdefault(_outcome_key(pay.outcomes, pay.running_cost), [zero, zero])[1] += (
            pay.amount
        )
    streams = [
        StreamTotal(s, allocated[s], planned[s], spent[s], managed[s])
        for s in STREAMS
        if allocated[s] or planned[s] or spent[s]
    ]
    warnings = []
    loose_plan = [p for p in model.planned if not p.outcomes and not p.running_cost]
    if loose_plan:
        total = sum((p.amount for p in loose_plan), zero)
        names = "; ".join(p.what for p in loose_plan)
        warnings.append(f"{money(total)} of planned spending is not linked to any outcome: {names}. "
                        "Say which outcome it is for, or mark it as running the budget.")  # fmt: skip
    loose_paid = [p for p in model.payments if not p.outcomes and not p.running_cost]
    if loose_paid:
        total = sum((p.amount for p in loose_paid), zero)
        names = "; ".join(f"{p.what} ({day(p.date)})" for p in loose_paid)
        warnings.append(f"{money(total)} of payments are not linked to any outcome: {names}.")
    for s in streams:
        if s.planned > s.allocated:
            warnings.append(f"The plan spends {money(s.planned)} from {s.stream}, which is {money(s.planned - s.allocated)} "
                            f"more than its allocation of {money(s.allocated)}.")  # fmt: skip
        if s.spent > s.allocated:
            warnings.append(f"{money(s.spent)} has been paid from {s.stream}, which is {money(s.spent - s.allocated)} "
                            f"more than its allocation of {money(s.allocated)}.")  # fmt: skip
    order = sorted(
        by_outcome,
        key=lambda k: (k.startswith(("Running", "Not linked")), k.startswith("Not linked"), k),
    )
    return BudgetSummary(
        streams=streams,
        outcomes=[OutcomeTotal(k, *by_outcome[k]) for k in order],
        allocated=sum(allocated.values(), zero),
        planned=sum(planned.values(), zero),
        spent=sum(spent.values(), zero),
        banked=sum((b.amount for b in model.banked), zero),
        warnings=warnings,
    )


def bar_width(value: Decimal, biggest: Decimal) -> str:
    if biggest <= 0:
        return "0"
    return f"{max(0.0, min(100.0, float(value / biggest * 100))):.1f}"


def render_budget(model: Budget) -> str:
    summary = summarise(model)
    biggest = max([Decimal(0), *[max(s.allocated, s.planned, s.spent) for s in summary.streams]])
    return _render("budget.html", m=model, s=summary, biggest=biggest, width=bar_width)


def _simple(template: str) -> Any:
    def render(model: Any) -> str:
        return _render(template, m=model)

    return render


# ---- the block types -------------------------------------------------------------------------

EXAMPLES = {
    "one-page-profile": """\
like_and_admire:
- I know every bus route in town.
important_to_me:
- My dog.
how_to_support_me:
- Tell me about changes early, and write them down.
""",
    "important-to-for": """\
important_to:
- Being on time.
important_for:
- Eight hours of sleep.
balance:
- to_me: Staying up late on games
  for_me: Eight hours of sleep
  how: I set my own alarm at 10pm.
""",
    "working-not-working": """\
views:
- who: Me
  working:
  - My laptop.
  not_working:
  - The loud canteen.
next_steps:
- Lunch in the library.
""",
    "good-day-bad-day": """\
good_day:
- I know who is teaching every lesson.
bad_day:
- A room change with no warning.
turn_it_round:
- Ten quiet minutes.
""",
    "communication-passport": """\
entries:
- when: I say "I don't know"
  it_means: I need more time to think
  please: Wait. Count to ten.
tips:
- One instruction at a time.
""",
    "circle": """\
person: Sam
members:
- name: Mum
  relationship: mum
  ring: closest
  how_they_help: Everything.
- name: Ana
  relationship: swimming coach
  ring: community
""",
    "outcome": """\
ref: 1
outcome: I get the bus to college and back on my own
area: independent living
by_when: 2027-09-30
how_we_will_know: Ten journeys in a row on my own.
status: started
steps:
- what: Travel training, 12 sessions
  who: Council travel trainer
  cost: 540
  kind: education
progress:
- date: 2026-10-02
  note: Did the whole route with Tom next to me.
  by: Tom
""",
    "budget": """\
period: April 2026 to March 2027
allocations:
- stream: education
  amount: 629
  managed: council managed
planned:
- what: Travel training
  stream: education
  amount: 540
  outcomes: [1]
payments:
- date: 2026-10-31
  what: Travel training sessions 1 to 6
  stream: education
  amount: 270
  outcomes: [1]
""",
    "path": """\
dream:
- I live in my own flat near a bus stop.
goal:
- I am at college doing IT.
goal_by: November 2027
now:
- I am in Year 11.
who_will_help:
- who: Mum
  how: Lets me do more on my own.
first_steps:
- step: Go to the college open day
  done: true
""",
    "real-wealth": """\
people:
- Nan lives two streets away.
access:
- The library, with a free club on Thursdays.
skills_and_knowledge:
- Baking, maps and timetables.
assets:
- My own laptop.
resilience:
- We bounce back when we understand what went wrong.
""",
}

BLOCK_TYPES = [
    BlockType("one-page-profile", "One-page profile", OnePageProfile, _simple("one_page_profile.html"), EXAMPLES["one-page-profile"]),
    BlockType("important-to-for", "Important to me and important for me", ImportantToFor, _simple("important_to_for.html"), EXAMPLES["important-to-for"]),
    BlockType("working-not-working", "Working and not working", WorkingNotWorking, _simple("working_not_working.html"), EXAMPLES["working-not-working"]),
    BlockType("good-day-bad-day", "Good day and bad day", GoodDayBadDay, _simple("good_day_bad_day.html"), EXAMPLES["good-day-bad-day"]),
    BlockType("communication-passport", "Communication passport", CommunicationPassport, _simple("communication_passport.html"), EXAMPLES["communication-passport"]),
    BlockType("circle", "Circle of support", Circle, render_circle, EXAMPLES["circle"]),
    BlockType("outcome", "Outcome", Outcome, render_outcome, EXAMPLES["outcome"]),
    BlockType("budget", "Personal budget", Budget, render_budget, EXAMPLES["budget"]),
    BlockType("path", "Dreams and goals (PATH)", PathTool, _simple("path.html"), EXAMPLES["path"]),
    BlockType("real-wealth", "Real Wealth", RealWealth, _simple("real_wealth.html"), EXAMPLES["real-wealth"]),
]  # fmt: skip
BLOCKS = {b.name: b for b in BLOCK_TYPES}


@hookimpl
def block_types() -> list[BlockType]:
    return list(BLOCK_TYPES)


@hookimpl
def template_dirs() -> list[Path]:
    return [TEMPLATES]
