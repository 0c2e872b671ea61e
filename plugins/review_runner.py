"""Who runs my review? (issue #23): the young person or a steward asks someone — the SENCO,
the social worker — to run the next review, in two steps from the plan's home, and the
plan's home shows when the next review is.

Asking grants exactly what running a review needs: ``edit`` on Reviews (the checklist, the
report) and on each outcomes section (each decision is saved with its outcome), for that
person, ending when the review's last legal step is due. It goes through the sharing store
(``PluginContext.share``), as the sharing page would, so it shows in "who can see what" and
can be taken back there. Someone who cannot run a review yet is told which parts they
cannot change and who can give them that, instead of a bare refusal.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins._review_access import needed, person_of
from plugins._review_model import SECTION, Review, read_review
from wiki.plugin_api import (
    HomeNote,
    Invalid,
    Link,
    Page,
    PluginContext,
    SiteContext,
    context_of,
    form_of,
    hookimpl,
    now,
    page,
    redirect,
    say,
)

LATER_STEPS = {"next-review", "end-of-school-age"}  # not part of this review's period


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def next_review(context: PluginContext, site_ctx: SiteContext) -> tuple[Page, Review] | None:
    """The open review whose meeting is soonest from today (or the latest open one)."""
    slug = site_ctx.site.slug
    if not site_ctx.allows("view", SECTION) or not any(s.key == SECTION for s in site_ctx.sections):
        return None
    today = now().date()
    found = []
    for listed in context.pages(slug, SECTION):
        full = context.page(slug, SECTION, listed.slug)
        review = read_review(full.body) if "```review" in full.body else None
        if review is not None and review.status == "open":
            found.append((review.meeting < today, abs((review.meeting - today).days), full, review))
    if not found:
        return None
    _, _, best, review = min(found, key=lambda f: (f[0], f[1]))
    return best, review


def period_end(review: Review) -> date:
    """The day this review's last legal step is due: the runner's access ends then."""
    dues = [i.due for i in review.items if i.due and i.key not in LATER_STEPS]
    return max([review.meeting, *dues])


def may_ask(site_ctx: SiteContext) -> bool:
    return site_ctx.allows("see-sharing") and all(
        site_ctx.allows("share", k)
        for k in needed(site_ctx)
        if any(s.key == k for s in site_ctx.sections)
    )


# ---- hooks --------------------------------------------------------------------------------


@hookimpl
def template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def plan_home_notes(context: PluginContext, site: SiteContext) -> list[HomeNote]:
    found = next_review(context, site)
    if found is None:
        return []
    review_page, review = found
    slug = site.site.slug
    links = [Link(say("review_home.see"), f"/s/{slug}/review/{review_page.slug}")]
    if may_ask(site):
        links.append(Link(say("review_home.who_runs"), f"/s/{slug}/-/review-runner"))
    return [HomeNote(say("review_home.next", day=_day(review.meeting)), links)]


@hookimpl
def routes() -> list[Route]:
    return [
        Route("/s/{site}/-/review-runner", ask_form, methods=["GET"]),
        Route("/s/{site}/-/review-runner", ask, methods=["POST"]),
    ]


# ---- routes -------------------------------------------------------------------------------


def _loaded(request: Request) -> tuple[PluginContext, SiteContext, Page, Review]:
    context = context_of(request)
    site_ctx = context.site(request.path_params["site"])
    site_ctx.check("see-sharing")
    for key in needed(site_ctx):
        if any(s.key == key for s in site_ctx.sections):
            site_ctx.require("share", key)
    found = next_review(context, site_ctx)
    if found is None:
        raise Invalid(say("review_runner.no_review"))
    return context, site_ctx, found[0], found[1]


def _form(request: Request, context: PluginContext, site_ctx: SiteContext, review_page: Page,
          review: Review, *, error: str = "", done: str = "", status: int = 200) -> Response:  # fmt: skip
    slug = site_ctx.site.slug
    me = context.actor.email
    people = [m for m in context.members(slug) if m.email != me]
    titles = [
        site_ctx.section(k).title
        for k in needed(site_ctx)
        if any(s.key == k for s in site_ctx.sections)
    ]
    return page(request, "review_runner.html", {
        "site": site_ctx.site, "ctx": site_ctx, "review_page": review_page, "review": review,
        "meeting": _day(review.meeting), "until": _day(period_end(review)), "people": people,
        "titles": titles, "error": error, "done": done, "name": person_of(site_ctx),
    }, status=status)  # fmt: skip


async def ask_form(request: Request) -> Response:
    context, site_ctx, review_page, review = _loaded(request)
    done = request.query_params.get("done", "")
    who = next((m for m in context.members(site_ctx.site.slug) if str(m.id) == done), None)
    words = say("review_runner.done", name=who.name, until=_day(period_end(review))) if who else ""
    return _form(request, context, site_ctx, review_page, review, done=words)


async def ask(request: Request) -> Response:
    context, site_ctx, review_page, review = _loaded(request)
    slug = site_ctx.site.slug
    form = await form_of(request)
    email = form.get("person", "")
    chosen = next((m for m in context.members(slug) if m.email == email), None)
    if chosen is None:
        return _form(request, context, site_ctx, review_page, review, status=422,
                     error=say("review_runner.choose_error"))  # fmt: skip
    until = period_end(review)
    for key in needed(site_ctx):
        if any(s.key == key for s in site_ctx.sections):
            context.share(slug, section=key, capability="edit", person=email,
                          expires_at=f"{until.isoformat()}T23:59:59+00:00")  # fmt: skip
    return redirect(f"/s/{slug}/-/review-runner?done={chosen.id}")
