"""The plan's facts that the law's dates are worked out from (issue #17).

Where the young person learns now, any move between phases of education that is planned
(to what, when), and the first direct payment. They live in one small ``plan-facts``
block, edited with its friendly form like every other block; the review plugin reads
it (``plugins/_deadlines.py`` turns the facts into dates). The date of birth is the
site's own.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from plugins._deadlines import PHASES, Facts
from plugins._pagetext import find_blocks
from plugins.blocks import BlockModel, Line, OptionalDay, render_template
from wiki.plugin_api import BlockType, Page, hookimpl, parse_block

Phase = Literal["", "early years", "primary school", "secondary school", "post-16 institution"]
YEAR_GROUPS = ("Reception", *(f"Year {n}" for n in range(1, 15)))
YearGroup = Literal[
    "", "Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6", "Year 7",
    "Year 8", "Year 9", "Year 10", "Year 11", "Year 12", "Year 13", "Year 14",
]  # fmt: skip
assert set(PHASES) == {p for p in Phase.__args__ if p}  # type: ignore[attr-defined]


class PlanFacts(BlockModel):
    setting: Phase = Field(default="", title="Where they learn now",
                           description="Early years, primary school, secondary school, or a post-16 place such as a college.")  # fmt: skip
    setting_name: Line = Field(default="", title="Name of the school, college or nursery")
    year_group: YearGroup = Field(default="", title="Year group, only if not the one for their age",
                                  description="Leave it empty when they are in the usual year for their birthday.")  # fmt: skip
    moving_to: Phase = Field(default="", title="Moving to",
                             description="Leave it empty when no move between phases is planned.")  # fmt: skip
    moving_to_name: Line = Field(default="", title="Name of the new school or college")
    moving_on: OptionalDay = Field(default=None, title="Date of the move",
                                   description="If you leave it empty, we count a move in September.")  # fmt: skip
    first_direct_payment: OptionalDay = Field(default=None, title="Date of the first direct payment",
                                              description="Only if the personal budget is paid as a direct payment.")  # fmt: skip

    @property
    def year_number(self) -> int | None:
        if not self.year_group:
            return None
        return 0 if self.year_group == "Reception" else int(self.year_group.split()[1])


EXAMPLE = """\
setting: secondary school
setting_name: Hollinsford Academy
moving_to: post-16 institution
moving_to_name: Hollinsford College
moving_on: 2027-09-06
first_direct_payment: 2026-04-30
"""


def render_facts(model: PlanFacts) -> str:
    return render_template("plan_facts.html", m=model)


BLOCK = BlockType("plan-facts", "Facts for the review dates", PlanFacts, render_facts, EXAMPLE)


@hookimpl
def block_types() -> list[BlockType]:
    return [BLOCK]


def facts_in(pages: list[Page]) -> PlanFacts | None:
    """The first readable, valid plan-facts block in these pages (None if there is none)."""
    found = facts_and_page(pages)
    return found[0] if found else None


def facts_and_page(pages: list[Page]) -> tuple[PlanFacts, Page] | None:
    """The first readable, valid plan-facts block and the page it is on."""
    for p in pages:
        if "```plan-facts" not in p.body:
            continue
        for block in find_blocks(p.body, {BLOCK.name}):
            try:
                found: PlanFacts = parse_block(BLOCK, block.text)
            except ValueError:
                continue
            return found, p
    return None


def facts_for(
    found: PlanFacts | None, *, meeting: date, kind: str, name: str, born: date | None,
    previous_review: date | None, changes_sent: date | None = None,
) -> Facts:  # fmt: skip
    """What ``_deadlines`` needs, from the block (if any) and the site's date of birth."""
    facts = found or PlanFacts()
    return Facts(
        meeting=meeting,
        kind=kind,
        name=name,
        born=born,
        year_group=facts.year_number,
        setting=facts.setting,
        moving_to=facts.moving_to,
        moving_on=facts.moving_on,
        first_direct_payment=facts.first_direct_payment,
        previous_review=previous_review,
        changes_sent=changes_sent,
    )
