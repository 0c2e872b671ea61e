"""What running a review needs, and the plain words for someone who cannot run one yet
(issue #23): shared by the review page and "Who runs my review?"."""

from __future__ import annotations

from plugins._outcome_decisions import outcome_section_keys
from plugins._report_changes import REVIEWS as SECTION
from wiki.plugin_api import SiteContext, say


def person_of(site_ctx: SiteContext) -> str:
    title = site_ctx.site.title
    return (
        title.split("'")[0].split("’")[0] if ("'" in title or "’" in title) else "the young person"
    )


def needed(site_ctx: SiteContext) -> list[str]:
    """The keys of the sections running a review needs to change."""
    return [SECTION, *sorted(outcome_section_keys(site_ctx))]


def missing(site_ctx: SiteContext) -> list[str]:
    """The titles of the parts this person would need to change to run a review, and cannot."""
    keys = [k for k in needed(site_ctx) if any(s.key == k for s in site_ctx.sections)]
    return [site_ctx.section(k).title for k in keys if not site_ctx.allows("edit", k)]


def cannot_run_words(site_ctx: SiteContext) -> str:
    """The plain sentence for someone who may read a review but not run it."""
    parts = missing(site_ctx) or [site_ctx.section(SECTION).title]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    name = person_of(site_ctx)
    return (
        say("review_runner.cannot_run", parts=listed)
        + " "
        + say("review_runner.who_gives", name=name)
    )
