"""The review checklist plugin: prepare and hold a person-centred review from the plan (issue #6).

A review is an ordinary page in the Reviews section holding one ``review`` block (the
meeting date, the checklist with due dates, decisions) followed by the person-centred
questions in plain text. Ticking an item, deciding about an outcome or closing the
review saves a new revision of that page, so history, diffs and sharing just work; only
people with edit on Reviews can change it. Everything shown comes through PluginContext.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from markupsafe import escape
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins import _review_rules as rules
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
    page,
    redirect,
)

SECTION = "reviews"
FENCE = re.compile(r"```review[ \t]*\n(.*?)\n```", re.DOTALL)


class ReviewItem(BaseModel):
    text: str = Field(min_length=1, max_length=300)
    due: date | None = None
    who: str = Field(default="", max_length=80)
    done: bool = False


class Review(BaseModel):
    """The structured part of a review page."""

    meeting: date
    kind: Literal["annual", "budget"] = "annual"
    status: Literal["open", "closed"] = "open"
    items: list[ReviewItem] = []
    decisions: dict[str, Literal["achieved", "continue", "change"]] = {}


def new_review(meeting: date, kind: str, born: date | None) -> Review:
    items = [
        ReviewItem(text=s.text, due=rules.due_date(meeting, s.days), who=s.who)
        for s in rules.steps_for(kind)
    ]
    return Review(meeting=meeting, kind=kind, items=items)  # type: ignore[arg-type]


def review_body(review: Review, *, born: date | None, name: str) -> str:
    """The text of a new review page: the block, then the questions, the young person first."""
    block = yaml.safe_dump(review.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    parts = [
        f"```review\n{block.rstrip()}\n```",
        f"## What {name} says (in their own words)",
        "- What is working for me:\n- What is not working:\n- What I want to happen next:",
        "## What is working\n\n- \n\n## What is not working\n\n- \n\n## What we have learned\n\n- ",
        "## Stop, keep, start\n\n- Stop:\n- Keep:\n- Start:",
    ]
    if born is not None and rules.school_year(born, review.meeting) >= 9:
        parts.append("## Preparing for adulthood")
        parts += [f"### {title}\n\n{question}\n\n- " for _, title, question in rules.PFA_AREAS]
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
        f"<tr><td>{'Done' if i.done else 'To do'}</td><td>{escape(i.text)}</td>"
        f"<td>{escape(_day(i.due) if i.due else '')}</td><td>{escape(i.who)}</td></tr>"
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
        return [Link("Start a review", f"/s/{site.site.slug}/review/new")]
    return []


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    if page.section.key == SECTION and root.startswith("/s/") and "```review" in page.body:
        return [Link("Open the review checklist", f"/s/{site.site.slug}/review/{page.slug}")]
    return []


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


async def start_form(request: Request) -> Response:
    context = context_of(request)
    site_ctx = context.site(request.path_params["site"])
    site_ctx.require("run-review", SECTION)
    return page(
        request,
        "review_start.html",
        {"site": site_ctx.site, "ctx": site_ctx, "errors": {}, "values": {}},
    )


async def start(request: Request) -> Response:
    context = context_of(request)
    slug = request.path_params["site"]
    site_ctx = context.site(slug)
    form = await form_of(request)
    values = {"meeting": form.get("meeting", ""), "kind": form.get("kind", "annual")}
    try:
        meeting = date.fromisoformat(values["meeting"])
    except ValueError:
        return page(request, "review_start.html", {"site": site_ctx.site, "ctx": site_ctx, "values": values,
                    "errors": {"meeting": "Enter the date of the meeting."}}, status=422)  # fmt: skip
    kind = "budget" if values["kind"] == "budget" else "annual"
    born = _born(site_ctx)
    review = new_review(meeting, kind, born)
    # Other plugins may add their own items (the checklist_items hook).
    info = ReviewInfo(meeting=meeting, kind=kind, date_of_birth=born)
    for extra in collect(request.app.state.plugins.hook.checklist_items(review=info)):
        review.items.append(ReviewItem(text=extra.text[:300], due=extra.due, who=extra.who[:80]))
    review.items.sort(key=lambda item: item.due or meeting)
    name = site_ctx.site.title.split("'")[0] if "'" in site_ctx.site.title else "the young person"
    title = f"{'Budget review' if kind == 'budget' else 'Annual review'} {_day(meeting)}"
    page_slug = f"{kind}-review-{meeting.isoformat()}"
    context.save(slug, SECTION, page_slug, body=review_body(review, born=born, name=name), base_revision=None,
                 summary="Started the review", title=title)  # fmt: skip
    return redirect(f"/s/{slug}/review/{page_slug}")


def _load(context: PluginContext, slug: str, page_slug: str) -> tuple[Page, Review]:
    found = context.page(slug, SECTION, page_slug)
    review = read_review(found.body)
    if review is None:
        raise NotFound("This page is not a review.")
    return found, review


async def dashboard(request: Request) -> Response:
    context = context_of(request)
    slug, page_slug = request.path_params["site"], request.path_params["page"]
    site_ctx = context.site(slug)
    found, review = _load(context, slug, page_slug)
    today = date.today()
    born = _born(site_ctx)
    earlier = sorted(
        (
            r
            for r in (read_review(p.body) for p in _reviews(context, slug))
            if r and r.meeting < review.meeting
        ),
        key=lambda r: r.meeting,
    )
    since = earlier[-1].meeting if earlier else None
    outcomes = _outcomes(context, slug, site_ctx, since)
    changed = _changed_since(context, slug, since, exclude=found.slug) if since else []
    can_edit = site_ctx.allows("run-review") and review.status == "open"
    next_date, next_why = rules.next_review(review.meeting, born)
    return page(request, "review.html", {
        "site": site_ctx.site, "ctx": site_ctx, "section": site_ctx.section(SECTION), "page": None,
        "review_page": found, "review": review, "today": today, "can_edit": can_edit, "outcomes": outcomes,
        "changed": changed, "since": since, "pfa": born is not None and rules.school_year(born, review.meeting) >= 9,
        "pfa_areas": rules.PFA_AREAS, "year": rules.school_year(born, review.meeting) if born else None,
        "next_date": next_date, "next_why": next_why, "day": _day,
    })  # fmt: skip


def _reviews(context: PluginContext, slug: str) -> list[Page]:
    return [context.page(slug, SECTION, p.slug) for p in context.pages(slug, SECTION)]


def _outcomes(
    context: PluginContext, slug: str, site_ctx: SiteContext, since: date | None
) -> list[dict[str, Any]]:
    """Outcome pages this person may view, with their changes since the last review."""
    if not any(s.key == "outcomes" for s in site_ctx.sections):
        return []
    found = []
    for listed in context.pages(slug, "outcomes"):
        revisions = context.history(slug, "outcomes", listed.slug)
        recent = [r for r in revisions if since is None or r.created_at[:10] > since.isoformat()]
        found.append({"page": listed, "changes": [r for r in recent if r.summary][:5]})
    return found


def _changed_since(context: PluginContext, slug: str, since: date, *, exclude: str) -> list[Page]:
    site_ctx = context.site(slug)
    return [
        p
        for section in site_ctx.sections
        for p in context.pages(slug, section.key)
        if p.updated_at[:10] > since.isoformat() and p.slug != exclude
    ]


async def change(request: Request) -> Response:
    """Tick an item, decide about an outcome, draft a new outcome, or close the review."""
    context = context_of(request)
    slug, page_slug = request.path_params["site"], request.path_params["page"]
    form = await form_of(request)
    found, review = _load(context, slug, page_slug)
    if review.status == "closed":
        raise Forbidden(
            "This review is closed and kept as a record; start a new review to make changes."
        )
    action = form.get("action", "")
    if (
        action == "tick"
        and form.get("item", "").isdigit()
        and int(form["item"]) < len(review.items)
    ):
        item = review.items[int(form["item"])]
        item.done = form.get("done") == "1"
        summary = f"{'Done' if item.done else 'Not done'}: {item.text}"
    elif (
        action == "decide"
        and form.get("outcome")
        and form.get("decision") in ("achieved", "continue", "change")
    ):
        review.decisions[form["outcome"]] = form["decision"]  # type: ignore[assignment]
        summary = f"Decision on {form['outcome']}: {form['decision']}"
    elif action == "draft-outcome":
        statement = form.get("statement", "").strip()
        if not statement.lower().startswith("i ") or len(statement) > 300:
            raise Invalid(
                "Write the outcome as the young person would say it, starting with “I …”."
            )
        words = re.sub(r"[^a-z0-9]+", "-", statement.lower()).strip("-")[:50].strip("-")
        body = (f"```outcome\nstatement: {yaml.safe_dump(statement).strip().removesuffix('...').strip()}\n"
                f"status: draft\n```\n\nDrafted at the review on {_day(review.meeting)}.\n")  # fmt: skip
        context.save(slug, "outcomes", words or "new-outcome", body=body, base_revision=None,
                     summary="Drafted at a review", title=statement[:120])  # fmt: skip
        return redirect(f"/s/{slug}/review/{page_slug}#outcomes")
    elif action == "close":
        review.status = "closed"
        summary = "Closed the review"
    else:
        raise Invalid("That change is not one this page understands.")
    context.save(slug, SECTION, page_slug, body=write_review(found.body, review), base_revision=found.revision,
                 summary=summary)  # fmt: skip
    return redirect(f"/s/{slug}/review/{page_slug}")
