"""Views made from the plan's blocks: the outcomes board and the EHC plan view (issue #5).

Both read pages only through the request's ``PluginContext``, so each person sees
only what they may view: the board reads the pages of one section, the EHC plan view
every page this person may see, arranged under the EHC plan's sections A to K.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins._pagetext import find_blocks
from plugins.blocks import AREAS, BLOCKS, DECISIONS, STATUSES, Budget, Outcome, day
from wiki.plugin_api import (
    Link,
    NotFound,
    Page,
    PluginContext,
    Section,
    SiteContext,
    context_of,
    hookimpl,
    login_url,
    now,
    page,
    parse_block,
    redirect,
    say_later,
)

AREA_ICONS = {
    "education": "✎",
    "employment": "⚒",
    "independent living": "⌂",
    "friends, relationships and community": "☺",
    "good health": "♥",
}


@dataclass
class FoundOutcome:
    page: Page
    model: Outcome
    number: int  # which block on its page

    @property
    def overdue(self) -> bool:
        return self.model.status != "achieved" and self.model.by_when < now().date()

    @property
    def last_note(self) -> Any:
        return max(self.model.progress, key=lambda n: n.date) if self.model.progress else None

    @property
    def by_when(self) -> str:
        return day(self.model.by_when)

    @property
    def latest_day(self) -> str:
        latest = self.model.latest_decision
        return day(latest.date) if latest else ""

    @property
    def last_note_day(self) -> str:
        return day(self.last_note.date) if self.last_note else ""


@dataclass
class Broken:
    page: Page
    problem: str


def outcomes_in(pages: list[Page]) -> tuple[list[FoundOutcome], list[Broken]]:
    found, broken = [], []
    for p in pages:
        for block in find_blocks(p.body, {"outcome": BLOCKS["outcome"]}):
            try:
                model = parse_block(BLOCKS["outcome"], block.text)
            except ValueError as problem:
                broken.append(Broken(p, str(problem)))
                continue
            found.append(FoundOutcome(p, model, block.index))
    return found, broken


@dataclass
class _Undecided:
    decision: str = "not decided yet"


_NONE = _Undecided()


def outcome_order(o: FoundOutcome) -> tuple[Any, ...]:
    ref = o.model.ref
    return (0, int(ref), "") if ref.isdigit() else (1, 0, ref or o.model.outcome)


def _signed_in_or_login(request: Request) -> Response | None:
    actor = request.state.actor
    if not actor.signed_in:
        return redirect(login_url(request.url.path))
    return None


async def outcomes_board(request: Request) -> Response:
    if (login := _signed_in_or_login(request)) is not None:
        return login
    context = context_of(request)
    site, section_key = str(request.path_params["site"]), str(request.path_params["section"])
    ctx = context.site(site)
    section = ctx.section(section_key)  # 404 unless you may view it
    pages = [context.page(site, section_key, p.slug) for p in context.pages(site, section_key)]
    found, broken = outcomes_in(pages)
    found.sort(key=outcome_order)
    by_area = {area: [o for o in found if o.model.area == area] for area in AREAS}
    by_status = {status: [o for o in found if o.model.status == status] for status in STATUSES}
    # The last review decision on each outcome (issue #17), and those not decided yet.
    by_decision = {d: [o for o in found if (o.model.latest_decision or _NONE).decision == d]
                   for d in (*DECISIONS, "not decided yet")}  # fmt: skip
    counts = [f"{len(by_status[s])} {s}" for s in reversed(STATUSES) if by_status[s]]
    tally = (
        counts[0]
        if len(counts) == 1
        else ", ".join(counts[:-1]) + " and " + counts[-1]
        if counts
        else ""
    )
    return page(
        request,
        "outcomes_board.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": section,
            "found": found,
            "broken": broken,
            "areas": AREAS,
            "statuses": STATUSES,
            "by_area": by_area,
            "by_status": by_status,
            "by_decision": by_decision,
            "tally": tally,
            "icons": AREA_ICONS,
            "can_edit": ctx.allows("edit", section.key),
        },
    )


# ---- the EHC plan view ----------------------------------------------------------------------

EHC_PARTS = [
    ("A", "The views, interests and aspirations of the young person"),
    ("B", "Special educational needs"),
    ("C", "Health needs"),
    ("D", "Social care needs"),
    ("E", "Outcomes"),
    ("F", "Special educational provision"),
    ("G", "Health provision"),
    ("H", "Social care provision"),
    ("I", "School or college"),
    ("J", "Personal budget"),
    ("K", "Advice and information"),
]
# A section goes under a letter by its template, else by its key.
BY_TEMPLATE = {
    "one-page-profile": "A",
    "circle": "A",
    "education": "B",
    "health": "C",
    "social-care": "D",
    "outcomes": "E",
    "provision": "F",
    "placement": "I",
    "budget": "J",
    "advice": "K",
    "reviews": "K",
}
BY_KEY = {"about-me": "A", "views": "A", "school-or-college": "I", "college": "I", "school": "I"}
PROVISION_OF = {"education": "F", "health": "G", "social care": "H"}


def letter_of(section: Section) -> str | None:
    return (
        BY_TEMPLATE.get(section.template or "")
        or BY_KEY.get(section.key)
        or BY_TEMPLATE.get(section.key)
    )


@dataclass
class Provision:
    what: str
    who: str
    cost: Decimal
    outcome: str
    url: str


@dataclass
class Part:
    letter: str
    title: str
    pages: list[tuple[Page, str]] = field(default_factory=list)  # (page, its HTML made to fit here)
    provision: list[Provision] = field(default_factory=list)


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def fit_html(html: str, prefix: str) -> str:
    """A page's stored HTML inside the plan view: headings two levels down, ids kept unique."""
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}", html)
    html = re.sub(r'\bid="', f'id="{prefix}-', html)
    return re.sub(r'\bhref="#', f'href="#{prefix}-', html)


def _first_words(pages: list[Page], owner: str | None) -> list[Page]:
    """The young person's own pages first (and their one-page profile first of all)."""
    return sorted(pages, key=lambda p: ("```one-page-profile" not in p.body, p.updated_by != owner))


def build_parts(ctx: SiteContext, pages: list[Page]) -> tuple[list[Part], list[Page]]:
    parts = {letter: Part(letter, title) for letter, title in EHC_PARTS}
    elsewhere: list[Page] = []
    owner = ctx.site.owner_email
    ordered = _first_words(pages, owner)
    for n, p in enumerate(ordered):
        letter = letter_of(p.section)
        if letter is None:
            elsewhere.append(p)
            continue
        parts[letter].pages.append((p, fit_html(p.html, f"p{n}")))
    found, _ = outcomes_in(pages)
    for o in sorted(found, key=outcome_order):
        label = f"Outcome {o.model.ref}" if o.model.ref else o.model.outcome
        url = f"/s/{ctx.site.slug}/{o.page.section.key}/{o.page.slug}"
        for step in o.model.steps:
            letter = PROVISION_OF.get(step.kind)
            if letter:
                parts[letter].provision.append(
                    Provision(step.what, step.who, step.cost, label, url)
                )
    for p in pages:
        for block in find_blocks(p.body, {"budget": BLOCKS["budget"]}):
            try:
                budget: Budget = parse_block(BLOCKS["budget"], block.text)
            except ValueError:
                continue
            url = f"/s/{ctx.site.slug}/{p.section.key}/{p.slug}"
            for line in budget.planned:
                label = (
                    "Running the budget"
                    if line.running_cost
                    else (", ".join(line.outcomes) or "No outcome")
                )
                label = ("Outcome " + label) if line.outcomes else label
                parts[PROVISION_OF[line.stream]].provision.append(
                    Provision(line.what, "Paid from the personal budget", line.amount, label, url)
                )
    return list(parts.values()), elsewhere


async def ehc_plan(request: Request) -> Response:
    if (login := _signed_in_or_login(request)) is not None:
        return login
    context = context_of(request)
    site = str(request.path_params["site"])
    ctx = context.site(site)
    if not ctx.sections:
        raise NotFound()
    pages = context.readable_pages(site)
    parts, elsewhere = build_parts(ctx, pages)
    return page(
        request,
        "ehc_plan.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "parts": parts,
            "elsewhere": elsewhere,
            "today": now().date(),
        },
    )


@hookimpl
def reserved_section_keys() -> list[str]:
    return ["ehc-plan"]  # /s/{site}/ehc-plan: no section may take the address (issue #25)


@hookimpl
def routes() -> list[Route]:
    return [
        Route("/s/{site}/ehc-plan", ehc_plan, methods=["GET"]),
        Route("/s/{site}/{section}/-/board", outcomes_board, methods=["GET"]),
    ]


@hookimpl
def site_nav_entries(context: PluginContext, site: SiteContext) -> list[Link]:
    if not context.actor.signed_in or not site.sections:
        return []
    slug = site.site.slug
    links = [
        Link(say_later("plugin.outcomes_board"), f"/s/{slug}/{s.key}/-/board")
        for s in site.sections
        if (s.template or s.key) == "outcomes"
    ][:1]
    links.append(Link(say_later("plugin.ehc_plan"), f"/s/{slug}/ehc-plan"))
    if site.allows("change-look"):
        links.append(Link(say_later("plugin.look"), f"/s/{slug}/settings"))
    return links
