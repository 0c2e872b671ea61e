"""The review report that writes itself (issue #17).

``/s/{site}/-/review-report`` shows what changed in the plan since the last review —
pages changed, outcomes added, achieved or dropped, budget spent against each outcome,
new people in the circle — as an easy-read summary and a professional one. It is built
through the reader's own PluginContext, so each reader sees only what they may read.

People who may run a review (``run-review``, declared by the review plugin) can change
both summaries in a form and save them as an ordinary, revisioned page of the Reviews
section (printable and exported like any page). The saved page is read by everyone who
may read Reviews, so the draft in the form holds words only from sections that all of
them may read too (``PluginContext.safe_to_copy_into``); the form names what was left
out and why, and the saved page says plainly that parts were left out, without naming
them (a section you may not read does not exist for you).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from markupsafe import escape
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins._report_changes import REPORT_FENCE, REVIEWS, Changes, gather, review_date
from plugins._report_words import easy_read, professional
from plugins.blocks import day, evidence_parts
from wiki.plugin_api import (
    BlockType,
    Link,
    Page,
    PluginContext,
    SiteContext,
    context_of,
    form_of,
    hookimpl,
    page,
    redirect,
    render_markdown,
    say_later,
)

MAX_TEXT = 20_000
LEFT_OUT_NOTE = (
    "This report holds only what everyone who can read the Reviews section may also read. "
    "Anything from other parts of the plan was left out on purpose; "
    "ask the person who wrote it if you need more."
)


class ReportInfo(BaseModel):
    """The head of a saved review report: what it compares, and when it was written."""

    made: date
    since: date | None = None
    review: str = Field(default="", max_length=200)


def render_info(info: ReportInfo) -> str:
    since = (
        f" It covers the changes since the review on {escape(day(info.since))}"
        f"{' (' + escape(info.review) + ')' if info.review else ''}."
        if info.since
        else ""
    )
    return (
        '<section class="review-report-head" aria-label="About this report">'
        f"<p>Review report written on {escape(day(info.made))}, from the plan's history.{since}</p>"
        f"<p>{escape(LEFT_OUT_NOTE)}</p></section>"
    )


def _name(site_ctx: SiteContext) -> str:
    title = site_ctx.site.title
    return (
        title.split("'")[0].split("’")[0] if ("'" in title or "’" in title) else "the young person"
    )


def report_body(info: ReportInfo, easy: str, pro: str) -> str:
    head = yaml.safe_dump(info.model_dump(mode="json", exclude_none=True), sort_keys=False,
                          allow_unicode=True).rstrip()  # fmt: skip
    return (
        f"{REPORT_FENCE}\n{head}\n```\n\n## What changed (easy read)\n\n{easy.strip()}\n\n"
        f"## Professional summary\n\n{pro.strip()}\n"
    )


# ---- hooks --------------------------------------------------------------------------------


@hookimpl
def block_types() -> list[BlockType]:
    return [BlockType("review-report", "Review report", ReportInfo, render_info)]


@hookimpl
def template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


def _has_reviews(site: SiteContext) -> bool:
    return any(s.key == REVIEWS for s in site.sections)


@hookimpl
def site_nav_entries(context: PluginContext, site: SiteContext) -> list[Link]:
    if _has_reviews(site) and site.allows("run-review"):
        return [Link(say_later("plugin.review_report"), f"/s/{site.site.slug}/-/review-report")]
    return []


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    if page.section.key == REVIEWS and root.startswith("/s/") and REPORT_FENCE in page.body:
        # A saved report prints, or downloads as a PDF, on its own (issue #23).
        return [Link("Print this report, or save it as a PDF",
                     f"/s/{site.site.slug}/-/print/{REVIEWS}?page={page.slug}")]  # fmt: skip
    # The one link from a review to the report: on any page of Reviews that is a review.
    if page.section.key == REVIEWS and root.startswith("/s/") and review_date(page) is not None:
        return [
            Link(
                "What changed since this review",
                f"/s/{site.site.slug}/-/review-report?since={page.slug}",
            )
        ]
    return []


@hookimpl
def routes() -> list[Route]:
    return [
        Route("/s/{site}/-/review-report", show, methods=["GET"]),
        Route("/s/{site}/-/review-report", save, methods=["POST"]),
    ]


# ---- routes -------------------------------------------------------------------------------


def _gathered(request: Request) -> tuple[PluginContext, SiteContext, Changes]:
    context = context_of(request)
    site_ctx = context.site(request.path_params["site"])
    site_ctx.require("view", REVIEWS)  # NotFound unless they may read Reviews
    since = str(request.query_params.get("since", "")) or None
    return context, site_ctx, gather(context, site_ctx.site.slug, date.today(), prefer=since)


def _draft(context: PluginContext, site_ctx: SiteContext, changes: Changes) -> dict[str, object]:
    """What the author may save: only words from sections every reader of Reviews may read."""
    safe = context.safe_to_copy_into(site_ctx.site.slug, REVIEWS)
    kept = changes.only(safe)
    titles = {s.key: s.title for s in site_ctx.sections}
    left_out = [titles[k] for k in titles if k not in safe and k in changes.sources()]
    not_copied = [titles[k] for k in titles if k not in safe]
    name = _name(site_ctx)
    return {"easy": easy_read(kept, name), "pro": professional(kept, name), "left_out": left_out,
            "not_copied": not_copied}  # fmt: skip


def _title(changes: Changes) -> str:
    return f"Review report, {day(changes.until)}"


async def show(request: Request) -> Response:
    context, site_ctx, changes = _gathered(request)
    can_write = site_ctx.allows("run-review")
    name = _name(site_ctx)
    values: dict[str, object] = {"title": _title(changes)}
    if can_write:
        values.update(_draft(context, site_ctx, changes))
    return _page(request, site_ctx, changes, name, values, can_write, {})


def _page(
    request: Request, site_ctx: SiteContext, changes: Changes, name: str, values: dict[str, object],
    can_write: bool, errors: dict[str, str], status: int = 200,
) -> Response:  # fmt: skip
    slug = site_ctx.site.slug
    # What the saved page will look like, rendered (safe HTML: markdown is rendered inert).
    shown = {k: render_markdown(str(values.get(k, "")), site=slug) for k in ("easy", "pro")}
    return page(request, "review_report.html", {
        "site": site_ctx.site, "ctx": site_ctx, "changes": changes, "name": name, "day": day,
        "shown": shown, "evidence_of": evidence_parts,
        "values": values, "can_write": can_write, "errors": errors, "max_text": MAX_TEXT,
        "since": request.query_params.get("since", ""),
    }, status=status)  # fmt: skip


def _typed_in(
    context: PluginContext, site_ctx: SiteContext, changes: Changes, text: str
) -> dict[str, str]:
    """A last look before saving: words from a left-out section typed or pasted in by hand
    (the list above the form shows them to the author) are pointed out, once."""
    safe = context.safe_to_copy_into(site_ctx.site.slug, REVIEWS)
    low = " ".join(text.lower().split())
    found = [(p, k) for p, k in changes.phrases_outside(safe) if " ".join(p.lower().split()) in low]
    if not found:
        return {}
    phrase, key = found[0]
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return {"checked": f"The report mentions “{phrase}”{more}, from {site_ctx.section(key).title}, which "
            "some people who can read Reviews may not read. Take it out, or tick the box to save it anyway."}  # fmt: skip


async def save(request: Request) -> Response:
    context, site_ctx, changes = _gathered(request)
    site_ctx.require("run-review", REVIEWS)
    form = await form_of(request)
    slug = site_ctx.site.slug
    title = form.get("title", "").strip()
    easy, pro = form.get("easy", "").strip(), form.get("pro", "").strip()
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = "Give the report a title of up to 120 characters."
    if not easy:
        errors["easy"] = "Write the easy-read summary, or keep the one written for you."
    if not pro:
        errors["pro"] = "Write the professional summary, or keep the one written for you."
    for key, text in (("easy", easy), ("pro", pro)):
        if len(text) > MAX_TEXT:
            errors[key] = f"Keep it under {MAX_TEXT:,} characters."
    if not errors and form.get("checked") != "yes":
        errors.update(_typed_in(context, site_ctx, changes, f"{title}\n{easy}\n{pro}"))
    if errors:
        values: dict[str, object] = {
            **_draft(context, site_ctx, changes),
            "title": title,
            "easy": easy,
            "pro": pro,
        }
        return _page(request, site_ctx, changes, _name(site_ctx), values, True, errors, status=422)
    review = changes.review
    info = ReportInfo(made=changes.until, since=review.held if review else None,
                      review=review.page.title if review else "")  # fmt: skip
    taken = {p.slug for p in context.pages(slug, REVIEWS)}
    base = f"review-report-{changes.until.isoformat()}"
    page_slug = next(s for s in [base, *(f"{base}-{n}" for n in range(2, 100))] if s not in taken)
    context.save(slug, REVIEWS, page_slug, body=report_body(info, easy, pro), base_revision=None,
                 summary="Wrote the review report", title=re.sub(r"\s+", " ", title))  # fmt: skip
    return redirect(f"/s/{slug}/{REVIEWS}/{page_slug}")
