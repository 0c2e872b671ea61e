"""Support plan pieces from the family guide (issue #17).

A good support plan says what happens if things are not working and how risks are
managed and people kept safe; and families need to know what a personal budget can and
cannot be spent on, and what to ask a provider. Two block types and one page:

- ``safeguards``: "if it is not working": the signs, what we will do, the risks and how we
  keep the young person safe, back-up when support falls through, who to tell when worried.
  A pydantic model, so it gets the same friendly form as every block (block_forms).
- ``budget-guidance``: the guidance itself, in plain words or easy read, for a family who
  wants it on the budget page right beside the budget.
- ``/s/{site}/-/budget-guidance``: the same guidance beside the reader's own budget totals
  (only when they may read the budget), linked under every page that holds a budget.

The guidance is written in our own words; nothing in it comes from the plan.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins._pagetext import find_blocks
from plugins.blocks import (
    BLOCKS,
    BlockModel,
    Line,
    Lines,
    NeededLine,
    OptionalDay,
    Para,
    day,
    long,
    money,
    summarise,
)
from wiki.plugin_api import (
    BlockType,
    Link,
    Page,
    PluginContext,
    SiteContext,
    context_of,
    hookimpl,
    page,
    parse_block,
    say_later,
)

TEMPLATES = Path(__file__).parent / "templates"
BUDGET = "budget"


class Risk(BlockModel):
    risk: NeededLine = Field(title="What could go wrong, or what worries us",
                             description="For example: my PA is ill on a college day.")  # fmt: skip
    prevent: Para = Field(
        default="", title="What we do to stop it happening", json_schema_extra=long(rows=2)
    )
    if_it_happens: Para = Field(
        default="", title="What happens if it does", json_schema_extra=long(rows=2)
    )
    who: Line = Field(default="", title="Who does it")


class Contact(BlockModel):
    who: NeededLine = Field(
        title="Who to tell", description="A name and role, like “Daniel, my social worker”."
    )
    when: Line = Field(
        default="", title="When to tell them", description="For example: on weekdays, 9 to 5."
    )
    how: Line = Field(default="", title="How to reach them")


class Safeguards(BlockModel):
    person: Line = Field(
        default="me", title="Who this plan keeps safe", description="A name, or “me”."
    )
    signs: Lines = Field(default_factory=list, title="How we will know support is not working",
                         description="One sign on each line, like “I stop going to club”.")  # fmt: skip
    then_we: Lines = Field(default_factory=list, title="What we will do if support is not working",
                           description="One thing on each line, like “ask for a review early”.")  # fmt: skip
    risks: list[Risk] = Field(default_factory=list, title="Risks, and how we keep safe",
                              json_schema_extra={"item": "risk"})  # fmt: skip
    backup: Lines = Field(default_factory=list, title="If support falls through",
                          description="Who steps in when a helper is away. One thing on each line.")  # fmt: skip
    worried: list[Contact] = Field(default_factory=list, title="Who to tell if you are worried about safety",
                                   json_schema_extra={"item": "person to tell"})  # fmt: skip
    emergency: Line = Field(
        default="", title="In an emergency", description="For example: call 999."
    )
    agreed_with: Line = Field(default="", title="Who agreed this")
    look_again: OptionalDay = Field(default=None, title="Look at this again by")


class BudgetGuidance(BlockModel):
    easy_read: bool = Field(default=False, title="Show it in easy read")


_env = Environment(
    loader=FileSystemLoader(TEMPLATES / "blocks"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["day"] = day


def render_safeguards(model: Safeguards) -> str:
    return _env.get_template("safeguards.html").render(m=model)


def render_guidance(model: BudgetGuidance) -> str:
    return _env.get_template("budget_guidance.html").render(m=model)


EXAMPLES = {
    "safeguards": """\
signs:
- I stop wanting to go to college.
then_we:
- Talk with me first, then ask for a review early.
risks:
- risk: My PA is ill on a college day.
  prevent: A second PA knows my route.
  if_it_happens: Mum takes me, and I tell college.
  who: Mum
worried:
- who: Daniel, my social worker
  when: Weekdays, 9 to 5
emergency: Call 999.
""",
    "budget-guidance": "easy_read: false\n",
}


@hookimpl
def block_types() -> list[BlockType]:
    return [
        BlockType("safeguards", "Safety plan (risks, and what if it is not working)", Safeguards,
                  render_safeguards, EXAMPLES["safeguards"]),
        BlockType("budget-guidance", "Budget guidance", BudgetGuidance, render_guidance,
                  EXAMPLES["budget-guidance"]),
    ]  # fmt: skip


@hookimpl
def template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    # Beside every budget: what it can and cannot pay for (the guidance has no plan content).
    if root.startswith("/s/") and "```budget\n" in page.body:
        return [Link(say_later("plugin.budget_guidance"), f"/s/{site.site.slug}/-/budget-guidance")]
    return []


@hookimpl
def routes() -> list[Route]:
    return [Route("/s/{site}/-/budget-guidance", guidance, methods=["GET"])]


def _budgets(context: PluginContext, site_ctx: SiteContext) -> list[dict[str, Any]]:
    """The reader's budgets at a glance — only when they may read the budget section."""
    if not site_ctx.allows("view", BUDGET) or not any(s.key == BUDGET for s in site_ctx.sections):
        return []
    found = []
    for listed in context.pages(site_ctx.site.slug, BUDGET):
        body = context.page(site_ctx.site.slug, BUDGET, listed.slug).body
        for block in find_blocks(body, {"budget"}):
            try:
                totals = summarise(parse_block(BLOCKS["budget"], block.text))
            except ValueError:
                continue
            found.append({"page": listed, "allocated": money(totals.allocated), "spent": money(totals.spent),
                          "left": money(totals.left), "banked": money(totals.banked),
                          "has_banked": totals.banked > Decimal(0)})  # fmt: skip
    return found


async def guidance(request: Request) -> Response:
    context = context_of(request)
    site_ctx = context.site(request.path_params["site"])
    easy = request.query_params.get("read") == "easy"
    return page(request, "budget_guidance.html", {
        "site": site_ctx.site, "ctx": site_ctx, "easy": easy, "budgets": _budgets(context, site_ctx),
    })  # fmt: skip
