"""Per-outcome review decisions (issue #17).

At a review each outcome gets its own decision (achieved, partly, not yet, no longer
wanted: never a default), a progress note and evidence links (pages, photos, recordings,
budget lines). The decision is saved as a new revision of the page that holds the
outcome, changing only that outcome's block, so the outcome's history and the rules on
who may see or change it apply as everywhere else. A save with no decision is refused
and the form comes back with everything typed still in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from plugins._pagetext import dump_yaml, find_blocks, replace_block
from plugins.blocks import (
    BLOCKS,
    DECISIONS,
    Budget,
    Outcome,
    OutcomeReview,
    ProgressNote,
    day,
    money,
)
from plugins.plan_views import FoundOutcome, outcome_order, outcomes_in
from wiki.plugin_api import (
    Conflict,
    Invalid,
    Page,
    PluginContext,
    SiteContext,
    now,
    parse_block,
    redirect,
)

DECISION_WORDS = {d: d[:1].upper() + d[1:] for d in DECISIONS}
NO_DECISION = (
    "Choose a decision for this outcome: achieved, partly, not yet or no longer wanted."
    " Nothing was saved; your note and evidence are still here."
)
KIND_WORDS = {"image": "Photo", "audio": "Recording", "video": "Video"}
MAX_CHANGED = 8  # pages offered as evidence: the ones changed most recently since the last review


@dataclass
class Card:
    """One outcome on the review page."""

    found: FoundOutcome
    key: str  # names its form: section/page/number
    now: OutcomeReview | None  # the decision at this review, if made
    before: list[OutcomeReview]  # decisions at other reviews, oldest first
    notes_since: list[ProgressNote]
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (line saved, words shown)
    can_decide: bool = False

    @property
    def anchor(self) -> str:
        return "outcome-" + self.key.replace("/", "-")

    @property
    def label(self) -> str:
        """How its form's fields are named, so each is told apart from the others."""
        model = self.found.model
        if model.ref:
            return f"outcome {model.ref}"
        words = model.outcome if len(model.outcome) <= 60 else model.outcome[:59].rstrip() + "…"
        return f"“{words}”"


def outcome_section_keys(site_ctx: SiteContext) -> set[str]:
    return {s.key for s in site_ctx.sections if (s.template or s.key) == "outcomes"}


def _link(label: str, url: str) -> str:
    return f"[{label.replace('[', '(').replace(']', ')')}]({url})"


def _budget_lines(
    slug: str, pages: list[Page], since: date | None
) -> list[tuple[list[str], str, str]]:
    """(outcome refs, evidence line, words) for each payment since the last review and
    each planned line in a budget."""
    found = []
    for p in pages:
        if "```budget" not in p.body:
            continue
        url = f"/s/{slug}/{p.section.key}/{p.slug}"
        for block in find_blocks(p.body, {"budget"}):
            try:
                budget: Budget = parse_block(BLOCKS["budget"], block.text)
            except ValueError:
                continue
            for pay in budget.payments:
                if since is not None and pay.date <= since:
                    continue
                words = f"Budget: {pay.what}, {money(pay.amount)} paid on {day(pay.date)}"
                found.append((pay.outcomes, _link(words, url), words))
            for line in budget.planned:
                words = f"Budget plan: {line.what}, {money(line.amount)}"
                found.append((line.outcomes, _link(words, url), words))
    return found


def _files(context: PluginContext, slug: str, on: Page) -> list[tuple[str, str]]:
    out = []
    for a in context.attachments(slug, on):
        words = f"{KIND_WORDS.get(a.kind, 'File')}: {a.caption or a.name}"[:200]
        out.append((_link(words, a.url()), words))
    return out


def cards(
    context: PluginContext, site_ctx: SiteContext, pages: list[Page], *, review_slug: str,
    since: date | None, can_edit: bool,
) -> list[Card]:  # fmt: skip
    """Each outcome this person may read, with what is known about it for this review."""
    slug = site_ctx.site.slug
    keys = outcome_section_keys(site_ctx)
    found, _broken = outcomes_in([p for p in pages if p.section.key in keys])
    found.sort(key=outcome_order)
    changed = sorted(
        (p for p in pages if since and p.updated_at[:10] > since.isoformat()
         and p.section.key != "reviews"),
        key=lambda p: p.updated_at, reverse=True,
    )[:MAX_CHANGED]  # fmt: skip
    changed_files = [f for p in changed for f in _files(context, slug, p)]
    budget = _budget_lines(slug, pages, since)
    out = []
    for o in found:
        url = f"/s/{slug}/{o.page.section.key}/{o.page.slug}"
        offered = [(_link(f"Page: {o.page.title}", url), f"Page: {o.page.title}")]
        offered += _files(context, slug, o.page)
        offered += [(_link(f"Page: {p.title}", f"/s/{slug}/{p.section.key}/{p.slug}"), f"Page: {p.title}")
                    for p in changed if p.id != o.page.id]  # fmt: skip
        offered += [f for f in changed_files if f not in offered]
        offered += [
            (line, words) for refs, line, words in budget if o.model.ref and o.model.ref in refs
        ]
        now = next((r for r in o.model.reviews if r.review == review_slug), None)
        out.append(Card(
            found=o, key=f"{o.page.section.key}/{o.page.slug}/{o.number}", now=now,
            before=[r for r in o.model.decided if r.review != review_slug],
            notes_since=[n for n in o.model.progress if since is None or n.date > since],
            evidence=list(dict.fromkeys(offered)),
            can_decide=can_edit and site_ctx.allows("edit", o.page.section.key),
        ))  # fmt: skip
    return out


def _posted_evidence(form: dict[str, str]) -> tuple[list[str], str]:
    ticked = [v for k, v in sorted(form.items()) if k.startswith("evidence-") and v.strip()]
    other = form.get("other", "")
    lines = [line.strip() for line in other.splitlines() if line.strip()]
    return list(dict.fromkeys([*ticked, *lines])), other


def _outcome_at(body: str, n: int, statement: str) -> tuple[Any, Outcome] | None:
    """The page's ``n``th outcome block and its model, if it is still the one the person
    decided about (the same statement); None if it was changed or removed meanwhile."""
    blocks = find_blocks(body, {"outcome"})
    if n >= len(blocks) or not blocks[n].editable:
        return None
    try:
        model = parse_block(BLOCKS["outcome"], blocks[n].text)
    except ValueError:
        return None
    return (blocks[n], model) if model.outcome == statement else None


def save_decision(
    request: Request, context: PluginContext, site_ctx: SiteContext, form: dict[str, str], *,
    review_slug: str, meeting: date, show: Callable[..., Response],
) -> Response:  # fmt: skip
    """Save one outcome's decision at this review, as a revision of the outcome's block."""
    slug = site_ctx.site.slug
    section, page_slug, number = form.get("section", ""), form.get("page", ""), form.get("n", "")
    key = f"{section}/{page_slug}/{number}"
    evidence, other = _posted_evidence(form)
    note = form.get("note", "").strip()
    kept: dict[str, dict[str, Any]] = {key: {"note": note, "evidence": evidence, "other": other}}
    decision = form.get("decision", "")
    if decision not in DECISIONS:
        return show(request, errors={key: NO_DECISION}, values=kept, status=422)
    if section not in outcome_section_keys(site_ctx) or not number.isdigit():
        return show(
            request,
            errors={key: "That outcome is not in the plan any more."},
            values=kept,
            status=422,
        )
    site_ctx.require("edit", section)
    current = context.page(slug, section, page_slug)
    found = _outcome_at(current.body, int(number), form.get("statement", ""))
    if found is None:
        raise Conflict("This outcome was changed while you were deciding. Open the review again; "
                       "your decision has not been saved.")  # fmt: skip
    block, model = found
    try:
        entry = OutcomeReview(date=meeting, decision=decision, note=note, evidence=evidence,  # type: ignore[arg-type]
                              review=review_slug, decided_on=now().date())  # fmt: skip
    except ValidationError as problem:
        words = "; ".join(str(e["msg"]) for e in problem.errors())
        return show(request, errors={key: f"Please check the note and evidence: {words}."}, values=kept,
                    status=422)  # fmt: skip
    reviews = [r for r in model.reviews if r.review != review_slug] + [entry]
    updated = model.model_copy(update={"reviews": reviews})
    body = replace_block(current.body, block, dump_yaml(updated))
    label = f"outcome {model.ref}" if model.ref else "an outcome"
    context.save(slug, section, page_slug, body=body, base_revision=current.revision, title=current.title,
                 summary=f"Review on {day(meeting)}: {label} {decision}")  # fmt: skip
    return redirect(f"/s/{slug}/review/{review_slug}#outcome-{key.replace('/', '-')}")


def _posted_for(form: dict[str, str], i: str) -> dict[str, str]:
    """The fields of the i-th outcome on the one form, named as the single form names them."""
    suffix = f"-{i}"
    return {k[: -len(suffix)] if k.endswith(suffix) else k.replace(f"evidence-{i}-", "evidence-", 1): v
            for k, v in form.items() if k.endswith(suffix) or k.startswith(f"evidence-{i}-")}  # fmt: skip


def save_decisions(
    request: Request, context: PluginContext, site_ctx: SiteContext, form: dict[str, str], *,
    review_slug: str, meeting: date, today: date, show: Callable[..., Response],
) -> Response:  # fmt: skip
    """Every outcome's decision from the one form, in one save (issue #23): one new revision
    of each page that holds a decided outcome. An outcome with a note or evidence but no
    decision is sent back with everything typed still in it, and nothing is saved."""
    slug = site_ctx.site.slug
    indices = sorted({k.split("-", 1)[1] for k in form if k.startswith("key-")}, key=int)
    posted = {i: _posted_for(form, i) for i in indices}
    kept: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    chosen: list[tuple[str, dict[str, str], list[str], str]] = []
    for fields in posted.values():
        key = fields.get("key", "")
        evidence, other = _posted_evidence(fields)
        note = fields.get("note", "").strip()
        kept[key] = {
            "note": note,
            "evidence": evidence,
            "other": other,
            "decision": fields.get("decision", ""),
        }
        decision = fields.get("decision", "")
        if decision in DECISIONS:
            chosen.append((key, fields, evidence, note))
        elif note or evidence:
            errors[key] = NO_DECISION
    if not chosen and not errors:
        errors[next(iter(kept), "")] = (
            "Choose a decision for at least one outcome. Nothing was saved."
        )
    if errors:
        return show(request, errors=errors, values=kept, status=422)
    by_page: dict[tuple[str, str], list[tuple[str, dict[str, str], list[str], str]]] = {}
    for entry in chosen:
        section, page_slug, _ = entry[0].split("/")
        if section not in outcome_section_keys(site_ctx):
            return show(request, errors={entry[0]: "That outcome is not in the plan any more."},
                        values=kept, status=422)  # fmt: skip
        site_ctx.require("edit", section)
        by_page.setdefault((section, page_slug), []).append(entry)
    for (section, page_slug), entries in by_page.items():
        current = context.page(slug, section, page_slug)
        body, said = current.body, []
        for key, fields, evidence, note in sorted(
            entries, key=lambda e: -int(e[0].rsplit("/", 1)[1])
        ):
            found = _outcome_at(body, int(key.rsplit("/", 1)[1]), fields.get("statement", ""))
            if found is None:
                raise Conflict("An outcome was changed while you were deciding. Open the review again; "
                               "your decisions have not been saved.")  # fmt: skip
            block, model = found
            old = next((r for r in model.reviews if r.review == review_slug), None)
            decision = fields["decision"]
            same = old is not None and (old.decision, old.note, old.evidence) == (
                decision,
                note,
                evidence,
            )
            try:
                made = old if same and old is not None else OutcomeReview(
                    date=meeting, decision=decision, note=note, evidence=evidence,  # type: ignore[arg-type]
                    review=review_slug, decided_on=today)  # fmt: skip
            except ValidationError as problem:
                words = "; ".join(str(e["msg"]) for e in problem.errors())
                return show(request, errors={key: f"Please check the note and evidence: {words}."},
                            values=kept, status=422)  # fmt: skip
            if same:
                continue
            reviews = [r for r in model.reviews if r.review != review_slug] + [made]
            body = replace_block(
                body, block, dump_yaml(model.model_copy(update={"reviews": reviews}))
            )
            said.append(
                f"outcome {model.ref} {decision}" if model.ref else f"an outcome {decision}"
            )
        if said:
            context.save(slug, section, page_slug, body=body, base_revision=current.revision,
                         title=current.title, summary=f"Review on {day(meeting)}: " + "; ".join(said))  # fmt: skip
    return redirect(f"/s/{slug}/review/{review_slug}?saved=1#outcomes")


def draft(
    context: PluginContext, slug: str, form: dict[str, str], *, meeting: date, back: str
) -> Response:
    """A new outcome page drafted at the review, in the young person's words; its block
    (area of life, by when, how we will know) is added afterwards with the outcome form."""
    statement = form.get("statement", "").strip()
    if not statement.lower().startswith("i ") or len(statement) > 300:
        raise Invalid("Write the outcome as the young person would say it, starting with “I …”.")
    words = re.sub(r"[^a-z0-9]+", "-", statement.lower()).strip("-")[:50].strip("-")
    body = (f"{statement}\n\nDrafted at the review on {day(meeting)}. Add its outcome block "
            "(area of life, by when, how we will know) with **Add a block**.\n")  # fmt: skip
    context.save(slug, "outcomes", words or "new-outcome", body=body, base_revision=None,
                 summary="Drafted at a review", title=statement[:120])  # fmt: skip
    return redirect(back + "#outcomes")
