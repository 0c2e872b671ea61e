"""The person-centred thinking tools as pydantic models: what each block holds and the
rules for it (issue #5)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    Field,
    field_validator,
)

from plugins.blocks.fields import (
    Area,
    BlockModel,
    Day,
    Kind,
    Line,
    Lines,
    Managed,
    Money,
    NeededLine,
    NeededPara,
    OptionalDay,
    Para,
    Refs,
    Ring,
    Status,
    Stream,
    long,
)

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
