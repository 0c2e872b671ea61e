"""What changed in a plan since its last review, read through one person's PluginContext
(issue #17: "a review report that writes itself").

Everything here is read with the reader's own access, so a section they may not view adds
nothing. Every item remembers the sections its words come from (``sources``), so the
report can keep only what may be copied into the Reviews section (``Changes.only``).

The last review is a page of the Reviews section that is a review: one with a ``review``
block (its meeting date), or one whose title or address says "review" and holds a date
("Annual review, 14 May 2025"). Review reports themselves are never reviews. "Since"
means after the later of the end of the meeting day and the moment the review was first
written down, so the changes agreed at the meeting and typed up with it are not counted
twice.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from plugins._pagetext import find_blocks
from plugins.blocks import BLOCKS, Budget, Circle, Outcome
from wiki.plugin_api import Page, PluginContext, Revision, parse_block

REVIEWS = "reviews"
REPORT_FENCE = "```review-report"
_MONTHS = "|".join(calendar.month_name[1:])
_WORDS_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTHS}),? (\d{{4}})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}


@dataclass
class EarlierReview:
    page: Page
    held: date
    written: str  # when the review was first saved (ISO moment)

    @property
    def since(self) -> str:
        """The moment after which a change counts as "since the review"."""
        return max(f"{self.held.isoformat()}T23:59:59.999999+00:00", self.written)


@dataclass
class Item:
    sources: frozenset[str]  # the sections these words come from


@dataclass
class PageChange(Item):
    section_title: str
    section: str
    slug: str
    title: str
    new: bool
    edits: int
    summaries: list[str]


@dataclass
class OutcomeChange(Item):
    kind: str  # added, achieved, dropped, progress
    statement: str
    ref: str
    notes: int = 0


@dataclass
class Spend(Item):
    label: str
    amount: Decimal
    payments: int


@dataclass
class NewPerson(Item):
    name: str
    relationship: str


@dataclass
class Decided(Item):
    """One outcome's decision for a review after the last one (issue #23): one line each."""

    statement: str
    ref: str
    decision: str
    note: str
    evidence: list[str]
    meeting: date
    decided_on: date | None
    review: str  # the review page's address


@dataclass
class Changes:
    review: EarlierReview | None
    until: date
    pages: list[PageChange] = field(default_factory=list)
    outcomes: list[OutcomeChange] = field(default_factory=list)
    spending: list[Spend] = field(default_factory=list)
    people: list[NewPerson] = field(default_factory=list)
    decisions: list[Decided] = field(default_factory=list)

    def items(self) -> list[Item]:
        return [*self.pages, *self.outcomes, *self.spending, *self.people, *self.decisions]

    def only(self, keys: Iterable[str]) -> Changes:
        """The same changes with only the items whose every source is one of ``keys``."""
        allowed = set(keys)

        def keep(items: list[Any]) -> list[Any]:
            return [i for i in items if i.sources <= allowed]

        return replace(
            self,
            pages=keep(self.pages),
            outcomes=keep(self.outcomes),
            spending=keep(self.spending),
            people=keep(self.people),
            decisions=keep(self.decisions),
        )

    def phrases_outside(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """Distinctive words (titles, notes, outcomes, names) of the items *not* kept by
        ``only(keys)``, each with a section it comes from: for spotting them typed in."""
        allowed = set(keys)
        kept = {p.lower() for item in self.only(allowed).items() for p in _phrases(item)}
        found = []
        for item in self.items():
            if item.sources <= allowed:
                continue
            where = sorted(item.sources - allowed)[0]
            found += [(p, where) for p in _phrases(item) if len(p) >= 8 and p.lower() not in kept]
        return found

    def sources(self) -> set[str]:
        return {key for item in self.items() for key in item.sources}


def _phrases(item: Item) -> list[str]:
    if isinstance(item, PageChange):
        return [item.title, *item.summaries]
    if isinstance(item, OutcomeChange):
        return [item.statement]
    if isinstance(item, Spend):
        return [item.label.split(": ", 1)[1]] if ": " in item.label else []
    if isinstance(item, NewPerson):
        return [item.name]
    if isinstance(item, Decided):
        return [item.statement, item.note]
    return []


# ---- finding the last review --------------------------------------------------------------


def review_date(found: Page) -> date | None:
    """The day a review page's meeting was held, or None if the page is not a review."""
    if REPORT_FENCE in found.body:
        return None
    for block in find_blocks(found.body, {"review"}):
        try:
            meeting = (yaml.safe_load(block.text) or {}).get("meeting")
        except yaml.YAMLError:
            meeting = None
        if isinstance(meeting, date):
            return meeting
        if isinstance(meeting, str):
            try:
                return date.fromisoformat(meeting)
            except ValueError:
                pass
    words = f"{found.title} {found.slug}"
    if "review" not in words.lower():
        return None
    if "checklist" in words.lower():
        return None  # a checklist for a review to come is not the review
    if match := _WORDS_DATE.search(found.title):
        day, month, year = match.groups()
        try:
            return date(int(year), _MONTH[month.lower()], int(day))
        except ValueError:
            return None
    if match := _ISO_DATE.search(words):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


def last_review(
    context: PluginContext, site: str, today: date, prefer: str | None = None
) -> EarlierReview | None:
    """The most recent review held on or before ``today`` that this person may read (or
    the one at ``prefer``, the address of an earlier review, when it is one)."""
    site_ctx = context.site(site)
    if not any(s.key == REVIEWS for s in site_ctx.sections):
        return None
    best: tuple[date, Page] | None = None
    for listed in context.pages(site, REVIEWS):
        found = context.page(site, REVIEWS, listed.slug)
        held = review_date(found)
        if held is None or held > today:
            continue
        if listed.slug == prefer:
            best = (held, found)
            break
        if best is None or held > best[0]:
            best = (held, found)
    if best is None:
        return None
    first = context.history(site, REVIEWS, best[1].slug)[-1]
    return EarlierReview(best[1], best[0], first.created_at)


# ---- reading the blocks -------------------------------------------------------------------


def _models(body: str, name: str) -> list[Any]:
    out = []
    for block in find_blocks(body, {name}):
        try:
            out.append(parse_block(BLOCKS[name], block.text))
        except ValueError:
            continue  # a block with a mistake is shown as text on its page; skip it here
    return out


def _outcome_key(o: Outcome) -> str:
    return o.ref.strip() or " ".join(o.outcome.lower().split())


def _dropped(o: Outcome) -> bool:
    words = f"{o.status} {getattr(o, 'decision', '') or ''}".lower()
    return "no longer" in words or "dropped" in words


def _outcomes(section: str, then: str, now: str) -> list[OutcomeChange]:
    before = {_outcome_key(o): o for o in _models(then, "outcome")}
    after = {_outcome_key(o): o for o in _models(now, "outcome")}
    src = frozenset({section})
    found = []
    for key, o in after.items():
        old = before.get(key)
        if old is None:
            found.append(OutcomeChange(src, "added", o.outcome, o.ref))
        elif _dropped(o) and not _dropped(old):
            found.append(OutcomeChange(src, "dropped", o.outcome, o.ref))
        elif o.status == "achieved" and old.status != "achieved":
            found.append(OutcomeChange(src, "achieved", o.outcome, o.ref))
        if old is not None:
            seen = {(n.date, n.note) for n in old.progress}
            fresh = [n for n in o.progress if (n.date, n.note) not in seen]
            if fresh:
                found.append(OutcomeChange(src, "progress", o.outcome, o.ref, notes=len(fresh)))
    found += [
        OutcomeChange(src, "dropped", o.outcome, o.ref) for k, o in before.items() if k not in after
    ]
    return found


def _decided(section: str, body: str, after: date) -> list[Decided]:
    """Each outcome's latest decision for a review held after ``after``."""
    found = []
    for o in _models(body, "outcome"):
        later = [r for r in o.reviews if r.date > after]
        if later:
            r = max(later, key=lambda r: (r.date, r.decided_on or r.date))
            found.append(Decided(frozenset({section}), o.outcome, o.ref, r.decision, r.note,
                                 list(r.evidence), r.date, r.decided_on, r.review))  # fmt: skip
    return found


def _people(section: str, then: str, now: str) -> list[NewPerson]:
    known = {m.name.strip().lower() for c in _models(then, "circle") for m in c.members}
    circles: list[Circle] = _models(now, "circle")
    return [
        NewPerson(frozenset({section}), m.name, m.relationship)
        for c in circles
        for m in c.members
        if m.name.strip().lower() not in known
    ]


def _spending(section: str, now: str, after: date) -> dict[str, tuple[Decimal, int]]:
    totals: dict[str, tuple[Decimal, int]] = {}
    budgets: list[Budget] = _models(now, "budget")
    for budget in budgets:
        for pay in budget.payments:
            if pay.date <= after:
                continue
            if pay.running_cost:
                label = "Running the budget"
            elif not pay.outcomes:
                label = "Not linked to an outcome"
            else:
                label = ("Outcome " if len(pay.outcomes) == 1 else "Outcomes ") + ", ".join(
                    pay.outcomes
                )
            amount, count = totals.get(label, (Decimal(0), 0))
            totals[label] = (amount + pay.amount, count + 1)
    return totals


# ---- gathering ----------------------------------------------------------------------------


def _then(history: list[Revision], moment: str) -> Revision | None:
    """The revision that was current at ``moment`` (history is newest first)."""
    return next((r for r in history if r.created_at <= moment), None)


def gather(context: PluginContext, site: str, today: date, prefer: str | None = None) -> Changes:
    """What changed since the last review (or the review at ``prefer``), as this person
    may see it."""
    review = last_review(context, site, today, prefer)
    changes = Changes(review, today)
    if review is None:
        return changes
    moment = review.since
    spent: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for section in context.site(site).sections:
        for listed in context.pages(site, section.key):
            history = context.history(site, section.key, listed.slug)
            recent = [r for r in history if r.created_at > moment]
            now = history[0].body if history else ""
            if section.key == REVIEWS and (REPORT_FENCE in now or listed.slug == review.page.slug):
                continue
            for label, (amount, count) in _spending(section.key, now, review.held).items():
                old = spent.get((section.key, label), (Decimal(0), 0))
                spent[(section.key, label)] = (old[0] + amount, old[1] + count)
            if not recent:
                continue
            before = _then(history, moment)
            then = before.body if before else ""
            changes.pages.append(
                PageChange(frozenset({section.key}), section.title, section.key, listed.slug,
                           listed.title, before is None, len(recent),
                           [r.summary for r in reversed(recent) if r.summary])
            )  # fmt: skip
            changes.outcomes += _outcomes(section.key, then, now)
            changes.people += _people(section.key, then, now)
    for section in context.site(site).sections:
        if section.key == REVIEWS:
            continue
        for listed in context.pages(site, section.key):
            body = context.page(site, section.key, listed.slug).body
            if "```outcome" in body:
                changes.decisions += _decided(section.key, body, review.held)
    changes.decisions.sort(
        key=lambda d: (not d.ref.isdigit(), int(d.ref) if d.ref.isdigit() else 0, d.ref)
    )
    words = _outcome_words(context, site)
    for (key, label), (amount, count) in sorted(
        spent.items(), key=lambda kv: _spend_order(kv[0][1])
    ):
        ref = label.removeprefix("Outcome ")
        if ref in words:  # the outcome's own words, for a reader who may read them
            statement, where = words[ref]
            changes.spending.append(
                Spend(frozenset({key, where}), f"{label}: {statement}", amount, count)
            )
        else:
            changes.spending.append(Spend(frozenset({key}), label, amount, count))
    return changes


def _outcome_words(context: PluginContext, site: str) -> dict[str, tuple[str, str]]:
    """Each numbered outcome this person may read: its words and its section."""
    found: dict[str, tuple[str, str]] = {}
    for section in context.site(site).sections:
        if section.key == REVIEWS:
            continue
        for page in context.pages(site, section.key):
            body = context.page(site, section.key, page.slug).body
            if "```outcome" not in body:
                continue
            for o in _models(body, "outcome"):
                if o.ref.strip():
                    found.setdefault(o.ref.strip(), (o.outcome, section.key))
    return found


def _spend_order(label: str) -> tuple[bool, str]:
    return (label.startswith(("Running", "Not linked")), label)
