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

from pathlib import Path

from plugins.blocks.budget import render_budget, summarise
from plugins.blocks.drawing import (
    day,
    money,
    place_members,
    render_circle,
    render_outcome,
    render_template,
    simple,
)
from plugins.blocks.examples import EXAMPLES
from plugins.blocks.fields import (
    AREAS,
    STATUSES,
    BlockModel,
    Line,
    Lines,
    NeededLine,
    OptionalDay,
    Para,
    long,
)
from plugins.blocks.models import (
    DECISIONS,
    Budget,
    Circle,
    CommunicationPassport,
    GoodDayBadDay,
    ImportantToFor,
    Member,
    OnePageProfile,
    Outcome,
    OutcomeReview,
    PathTool,
    ProgressNote,
    RealWealth,
    WorkingNotWorking,
    evidence_parts,
)
from wiki.plugin_api import BlockType, hookimpl

# What the other plugins and the tests use (the package's public names, issue #25).
__all__ = [
    "AREAS",
    "BLOCKS",
    "BLOCK_TYPES",
    "DECISIONS",
    "STATUSES",
    "BlockModel",
    "Budget",
    "Circle",
    "CommunicationPassport",
    "GoodDayBadDay",
    "ImportantToFor",
    "Line",
    "Lines",
    "Member",
    "NeededLine",
    "OnePageProfile",
    "OptionalDay",
    "Outcome",
    "OutcomeReview",
    "Para",
    "PathTool",
    "ProgressNote",
    "RealWealth",
    "WorkingNotWorking",
    "block_types",
    "day",
    "evidence_parts",
    "long",
    "money",
    "place_members",
    "render_template",
    "summarise",
    "template_dirs",
]

TEMPLATES = Path(__file__).parent.parent / "templates"

BLOCK_TYPES = [
    BlockType("one-page-profile", "One-page profile", OnePageProfile, simple("one_page_profile.html"), EXAMPLES["one-page-profile"]),
    BlockType("important-to-for", "Important to me and important for me", ImportantToFor, simple("important_to_for.html"), EXAMPLES["important-to-for"]),
    BlockType("working-not-working", "Working and not working", WorkingNotWorking, simple("working_not_working.html"), EXAMPLES["working-not-working"]),
    BlockType("good-day-bad-day", "Good day and bad day", GoodDayBadDay, simple("good_day_bad_day.html"), EXAMPLES["good-day-bad-day"]),
    BlockType("communication-passport", "Communication passport", CommunicationPassport, simple("communication_passport.html"), EXAMPLES["communication-passport"]),
    BlockType("circle", "Circle of support", Circle, render_circle, EXAMPLES["circle"]),
    BlockType("outcome", "Outcome", Outcome, render_outcome, EXAMPLES["outcome"]),
    BlockType("budget", "Personal budget", Budget, render_budget, EXAMPLES["budget"]),
    BlockType("path", "Dreams and goals (PATH)", PathTool, simple("path.html"), EXAMPLES["path"]),
    BlockType("real-wealth", "Real Wealth", RealWealth, simple("real_wealth.html"), EXAMPLES["real-wealth"]),
]  # fmt: skip
BLOCKS = {b.name: b for b in BLOCK_TYPES}


@hookimpl
def block_types() -> list[BlockType]:
    return list(BLOCK_TYPES)


@hookimpl
def template_dirs() -> list[Path]:
    return [TEMPLATES]
