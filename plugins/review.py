"""The review checklist plugin: prepare and hold a person-centred review from the plan
(issues #6 and #17).

A review is an ordinary page in the Reviews section holding one ``review`` block (the
meeting date, the checklist with due dates and where each date comes from) followed by
the person-centred questions in plain text. The dates come from the law and the plan's
facts (``plugins/_deadlines.py``, ``plugins/plan_facts.py``). Ticking an item or closing
the review saves a new revision of the review page; deciding about an outcome saves a
new revision of the outcome's own block (``plugins/review_outcomes.py``), so history,
diffs and sharing apply as everywhere else. Everything shown comes through
PluginContext.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins import _deadlines as law
from plugins import _outcome_decisions as review_outcomes
from plugins._review_access import cannot_run_words, missing
from plugins._review_model import (  # re-exported below: tests and other plugins import them here
    FENCE,
    KINDS,
    LEGACY,
    SECTION,
    Review,
    ReviewItem,
    _day,
    item_of,
    new_review,
    read_review,
    refresh,
    render_review,
    review_body,
    write_review,
)
from plugins.blocks import evidence_parts
from plugins.plan_facts import facts_and_page, facts_for, facts_in
from wiki.plugin_api import (
    Action,
    BlockType,
    Capability,
    Forbidden,
    Invalid,
    Link,
    NotFound,
    Page,
    PluginContext,
    ReviewInfo,
    Rule,
    SiteContext,
    collect,
    context_of,
    form_of,
    hookimpl,
    now,
    page,
    read_date,
    redirect,
    say_later,
)

# Names of the review's block, kept importable from here (they moved to _review_model).
REEXPORTED = (FENCE, LEGACY, ReviewItem, item_of, refresh, review_body, write_review)


# ---- earlier reviews ------------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_TITLE_DAY = re.compile(rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b")


def meeting_of(found: Page) -> date | None:
    """A review page's meeting date: its review block's, else a date in a title that says
    "review" (reviews written as plain pages, like "Annual review, 8 October 2026")."""
    review = read_review(found.body) if "```review" in found.body else None
    if review is not None:
        return review.meeting
    if "review" not in found.title.lower():
        return None
    match = _TITLE_DAY.search(found.title)
    if match is None:
        return None
    try:
        return date(int(match[3]), _MONTHS.split("|").index(match[2]) + 1, int(match[1]))
    except ValueError:
        return None


@dataclass
class Earlier:
    page: Page
    meeting: date


def earlier_reviews(pages: list[Page], before: date, *, exclude: str = "") -> list[Earlier]:
    """Reviews held before this meeting, oldest first."""
    found = []
    for p in pages:
        held = meeting_of(p) if p.section.key == SECTION and p.slug != exclude else None
        if held is not None and held < before:
            found.append(Earlier(p, held))
    return sorted(found, key=lambda e: e.meeting)


# ---- hooks --------------------------------------------------------------------------------


@hookimpl
def block_types() -> list[BlockType]:
    return [BlockType("review", "Review checklist", Review, render_review)]


@hookimpl
def actions() -> list[Action]:
    # Running a review means writing in the Reviews section (issue #13).
    return [Action("run-review", Rule.SECTION, "run a review in", Capability.EDIT, SECTION)]


@hookimpl
def template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def site_nav_entries(context: PluginContext, site: SiteContext) -> list[Link]:
    if any(s.key == SECTION for s in site.sections) and site.allows("run-review"):
        return [Link(say_later("plugin.start_review"), f"/s/{site.site.slug}/review/new")]
    return []


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    # Only a review (a ``review`` block), never a report (``review-report``): issue #23.
    if (
        page.section.key == SECTION
        and root.startswith("/s/")
        and read_review(page.body) is not None
    ):
        return [
            Link(say_later("plugin.review_checklist"), f"/s/{site.site.slug}/review/{page.slug}")
        ]
    return []


@hookimpl
def reserved_section_keys() -> list[str]:
    return ["review"]  # /s/{site}/review: no section may take the address (issue #25)


@hookimpl
def routes() -> list[Route]:
    return [
        Route("/s/{site}/review/new", start_form, methods=["GET"]),
        Route("/s/{site}/review/new", start, methods=["POST"]),
        Route("/s/{site}/review/{page}", dashboard, methods=["GET"]),
        Route("/s/{site}/review/{page}", change, methods=["POST"]),
    ]


# ---- routes -------------------------------------------------------------------------------


def _born(site_ctx: SiteContext) -> date | None:
    return date.fromisoformat(site_ctx.site.date_of_birth) if site_ctx.site.date_of_birth else None


def _name(site_ctx: SiteContext) -> str:
    title = site_ctx.site.title
    return title.split("'")[0] if "'" in title else "the young person"


def plan_facts(
    site_ctx: SiteContext, pages: list[Page], review: Review, *, exclude: str = ""
) -> tuple[law.Facts, list[Earlier]]:
    """The facts the law's dates come from, as this person can read them, and the
    reviews held before this one."""
    earlier = earlier_reviews(pages, review.meeting, exclude=exclude)
    facts = facts_for(
        facts_in(pages), meeting=review.meeting, kind=review.kind, name=_name(site_ctx),
        born=_born(site_ctx), previous_review=earlier[-1].meeting if earlier else None,
        changes_sent=review.changes_sent,
    )  # fmt: skip
    return facts, earlier


async def start_form(request: Request) -> Response:
    context = context_of(request)
    site_ctx = context.site(request.path_params["site"])
    _may_run(site_ctx)
    return page(
        request,
        "review_start.html",
        {"site": site_ctx.site, "ctx": site_ctx, "errors": {}, "values": {}, "kinds": KINDS},
    )


async def start(request: Request) -> Response:
    context = context_of(request)
    slug = request.path_params["site"]
    site_ctx = context.site(slug)
    _may_run(site_ctx)
    form = await form_of(request)
    when = read_date(form, "meeting", required=True)  # Day, Month, Year boxes (issue #16)
    values = {"meeting": when, "kind": form.get("kind", "annual")}
    if when.iso is None:
        return page(request, "review_start.html", {"site": site_ctx.site, "ctx": site_ctx, "values": values,
                    "kinds": KINDS, "errors": {"meeting": when.error}}, status=422)  # fmt: skip
    meeting = date.fromisoformat(when.iso)
    kind = values["kind"] if values["kind"] in KINDS else "annual"
    pages = context.readable_pages(slug)
    facts, _ = plan_facts(site_ctx, pages, Review(meeting=meeting, kind=kind))  # type: ignore[arg-type]
    review = new_review(facts)
    # Other plugins may add their own items (the checklist_items hook).
    info = ReviewInfo(meeting=meeting, kind=kind, date_of_birth=facts.born)
    for extra in collect(request.app.state.plugins.hook.checklist_items(review=info)):
        review.items.append(ReviewItem(text=extra.text[:300], due=extra.due, who=extra.who[:80]))
    review.items.sort(key=lambda item: item.due or meeting)
    title = f"{KINDS[kind]} {_day(meeting)}"
    page_slug = f"{kind}-review-{meeting.isoformat()}"
    context.save(slug, SECTION, page_slug, body=review_body(review, year=facts.year, name=facts.name),
                 base_revision=None, summary="Started the review", title=title)  # fmt: skip
    return redirect(f"/s/{slug}/review/{page_slug}")


def _may_run(site_ctx: SiteContext) -> None:
    """NotFound without Reviews; otherwise, if they may not run a review, what is missing
    and who can give it, in plain words (issue #23), never a bare refusal."""
    site_ctx.section(SECTION)
    if not site_ctx.allows("run-review"):
        raise Forbidden(cannot_run_words(site_ctx))


def _load(context: PluginContext, slug: str, page_slug: str) -> tuple[Page, Review]:
    found = context.page(slug, SECTION, page_slug)
    review = read_review(found.body)
    if review is None:
        raise NotFound("This page is not a review.")
    return found, review


def show(
    request: Request,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    """The review page; with ``errors`` and ``values`` when a decision came back to be put right."""
    context = context_of(request)
    slug, page_slug = request.path_params["site"], request.path_params["page"]
    site_ctx = context.site(slug)
    found, review = _load(context, slug, page_slug)
    pages = context.readable_pages(slug)
    facts, earlier = plan_facts(site_ctx, pages, review, exclude=found.slug)
    if review.status == "open":
        review = refresh(review, facts)
    since = earlier[-1].meeting if earlier else None
    can_edit = site_ctx.allows("run-review") and review.status == "open"
    outcomes = review_outcomes.cards(context, site_ctx, pages, review_slug=found.slug, since=since,
                                     can_edit=can_edit)  # fmt: skip
    changed = [
        p for p in pages if since and p.updated_at[:10] > since.isoformat() and p.slug != found.slug
    ]
    return page(request, "review.html", {
        "site": site_ctx.site, "ctx": site_ctx, "section": site_ctx.section(SECTION), "page": None,
        "review_page": found, "review": review, "today": now().date(), "can_edit": can_edit,
        "outcomes": outcomes, "changed": changed, "since": since, "earlier": earlier, "facts": facts,
        "pfa": facts.year is not None and facts.year >= 9, "pfa_areas": law.PFA_AREAS,
        "year": facts.year, "day": _day, "facts_page": (facts_and_page(pages) or (None, None))[1], "kind_title": KINDS[review.kind],
        "decisions": review_outcomes.DECISION_WORDS, "cannot_run": cannot_run_words(site_ctx) if review.status == "open" and missing(site_ctx) else "", "evidence_of": evidence_parts, "errors": errors or {}, "values": values or {},
    }, status=status)  # fmt: skip


async def dashboard(request: Request) -> Response:
    return show(request)


async def change(request: Request) -> Response:
    """Tick an item, decide about an outcome, draft a new outcome, or close the review."""
    context = context_of(request)
    slug, page_slug = request.path_params["site"], request.path_params["page"]
    site_ctx = context.site(slug)
    form = await form_of(request)
    found, review = _load(context, slug, page_slug)
    if review.status == "closed":
        raise Forbidden(
            "This review is closed and kept as a record; start a new review to make changes."
        )
    _may_run(site_ctx)
    action = form.get("action", "")
    if action == "decide-outcome":
        return review_outcomes.save_decision(request, context, site_ctx, form, review_slug=found.slug,
                                      meeting=review.meeting, show=show)  # fmt: skip
    if action == "decide-outcomes":  # every outcome on one form, one save (issue #23)
        return review_outcomes.save_decisions(request, context, site_ctx, form, review_slug=found.slug,
                                              meeting=review.meeting, today=now().date(), show=show)  # fmt: skip
    if action == "draft-outcome":
        return review_outcomes.draft(
            context, slug, form, meeting=review.meeting, back=f"/s/{slug}/review/{page_slug}"
        )
    pages = context.readable_pages(slug)
    if action == "changes-sent":
        sent = read_date(form, "changes_sent", required=True)  # one parser (issue #16)
        if sent.iso is None:
            raise Invalid(f"The date the council sent the changes: {sent.error}",
                          fields={"changes_sent": str(sent.error)})  # fmt: skip
        review.changes_sent = date.fromisoformat(sent.iso)
        summary = f"The council sent the proposed changes on {_day(review.changes_sent)}"
    facts, _ = plan_facts(site_ctx, pages, review, exclude=found.slug)
    review = refresh(review, facts)
    if action == "tick":
        key = form.get("item", "")
        matching = [
            i for n, i in enumerate(review.items) if i.key == key or (not i.key and str(n) == key)
        ]
        if not key or not matching:
            raise Invalid(
                "That checklist item is not on this review any more. Open the review again."
            )
        item = matching[0]
        item.done = form.get("done") == "1"
        summary = f"{'Done' if item.done else 'Not done'}: {item.text}"
    elif action == "close":
        review.status = "closed"
        summary = "Closed the review"
    elif action != "changes-sent":
        raise Invalid("That change is not one this page understands.")
    context.save(slug, SECTION, page_slug, body=write_review(found.body, review), base_revision=found.revision,
                 summary=summary)  # fmt: skip
    return redirect(f"/s/{slug}/review/{page_slug}")
