"""The two summaries of a review report, written from ``Changes`` (issue #17).

The easy-read summary uses short sentences and everyday words, one idea to a line, the
young person's name rather than "the child"; the professional summary is the same facts
in the order a review meeting takes them (pages, outcomes, money, people). Both are plain
markdown, so the author can change every word before the report is saved.
"""

from __future__ import annotations

from decimal import Decimal

from plugins._report_changes import Changes, Decided, OutcomeChange
from plugins.blocks import day, evidence_parts, money


def _quote(text: str, size: int = 120) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= size else text[: size - 1].rstrip() + '…'}”"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _goal(label: str) -> str:
    """ "Outcome 1: I get the bus" as the goal “I get the bus”; "Running the budget" as it is."""
    if ": " in label:
        return f"the goal {_quote(label.split(': ', 1)[1], 80)}"
    label = label.replace("Outcome", "goal")
    return label[:1].lower() + label[1:]


def _of(changes: Changes, kind: str) -> list[OutcomeChange]:
    return [o for o in changes.outcomes if o.kind == kind]


def _decided_words(d: Decided, *, links: bool) -> str:
    """One line for one outcome's decision: decision, note, evidence, and when (issue #23)."""
    label = f"Outcome {d.ref}" if d.ref else "Outcome"
    when = f"decided on {day(d.decided_on)}, " if d.decided_on else ""
    line = f"{label}, {_quote(d.statement, 120)}: **{d.decision}** ({when}for the review on {day(d.meeting)})."
    if d.note:
        line += f" {' '.join(d.note.split())}"
        line += "" if line.endswith((".", "!", "?")) else "."
    if d.evidence:
        shown = []
        for e in d.evidence:
            words, url = evidence_parts(e)
            shown.append(f"[{words}]({url})" if links and url else words)
        line += " Evidence: " + "; ".join(shown) + "."
    return line


def easy_read(changes: Changes, name: str) -> str:
    """Short sentences, everyday words."""
    if changes.review is None:
        return f"We could not find an earlier review of {name}'s plan.\n\nThis report has nothing to compare with yet.\n"
    lines = [f"{name}'s last review was on {day(changes.review.held)}.",
             f"This is what changed after that, up to {day(changes.until)}."]  # fmt: skip
    out = ["\n\n".join(lines), ""]
    facts: list[str] = []
    if changes.pages:
        facts.append(f"{_plural(len(changes.pages), 'page')} of the plan changed:")
        facts += [f"  - {p.title}." for p in changes.pages[:8]]
        if len(changes.pages) > 8:
            facts.append(f"  - And {_plural(len(changes.pages) - 8, 'more page')}.")
    for o in _of(changes, "added"):
        facts.append(f"New goal: {_quote(o.statement)}.")
    for o in _of(changes, "achieved"):
        facts.append(f"Done! {_quote(o.statement)}.")
    for o in _of(changes, "dropped"):
        facts.append(f"We stopped working on {_quote(o.statement)}.")
    for o in _of(changes, "progress"):
        facts.append(
            f"We wrote down how {_quote(o.statement, 80)} is going ({_plural(o.notes, 'new note')})."
        )
    for d in changes.decisions:
        facts.append(_decided_words(d, links=False))
    spent = sum((s.amount for s in changes.spending), Decimal(0))
    if changes.spending:
        facts.append(f"{money(spent)} of the budget was spent.")
        facts += [f"{money(s.amount)} was for {_goal(s.label)}." for s in changes.spending]
    for p in changes.people:
        who = f" ({p.relationship})" if p.relationship else ""
        facts.append(f"New in {name}'s circle: {p.name}{who}.")
    if not facts:
        facts.append("Nothing you can see here has changed.")
    out += [fact if fact.startswith("  - ") else f"- {fact}" for fact in facts]
    return "\n".join(out).strip() + "\n"


def professional(changes: Changes, name: str) -> str:
    """The same facts for the professionals at the review, under headings."""
    if changes.review is None:
        return f"No earlier review of {name}'s plan was found in the Reviews section, so there is nothing to compare with.\n"
    review = changes.review
    parts = [
        f"Changes to {name}'s plan since the review held on {day(review.held)} "
        f"(“{review.page.title}”), up to {day(changes.until)}, taken from the plan's history."
    ]
    if changes.pages:
        rows = [f"{_plural(len(changes.pages), 'page')} changed:", ""]
        for p in changes.pages:
            what = "new page" if p.new else _plural(p.edits, "change")
            notes = "; ".join(p.summaries)  # every change, none dropped (issue #23)
            rows.append(f"- {p.section_title}: {p.title} ({what}){': ' + notes if notes else ''}")
        parts.append("### Pages changed\n\n" + "\n".join(rows))
    outcome_rows = []
    labels = {"added": "Added", "achieved": "Achieved", "dropped": "No longer being worked towards"}
    for kind, label in labels.items():
        outcome_rows += [f"- {label}: {_quote(o.statement, 200)}" for o in _of(changes, kind)]
    outcome_rows += [
        f"- Progress recorded: {_quote(o.statement, 200)} ({_plural(o.notes, 'new progress note')})"
        for o in _of(changes, "progress")
    ]
    if outcome_rows:
        parts.append("### Outcomes\n\n" + "\n".join(outcome_rows))
    if changes.decisions:
        rows = [f"- {_decided_words(d, links=True)}" for d in changes.decisions]
        parts.append("### Decisions about each outcome\n\n" + "\n".join(rows))
    if changes.spending:
        total = sum((s.amount for s in changes.spending), Decimal(0))
        rows = [
            f"- {s.label}: {money(s.amount)} ({_plural(s.payments, 'payment')})"
            for s in changes.spending
        ]
        rows.append(f"- Total: {money(total)}")
        parts.append(
            f"### Personal budget spent since {day(review.held)} (by payment date)\n\n"
            + "\n".join(rows)
        )
    if changes.people:
        rows = [
            f"- {p.name}{', ' + p.relationship if p.relationship else ''}" for p in changes.people
        ]
        parts.append("### New people in the circle of support\n\n" + "\n".join(rows))
    if len(parts) == 1:
        parts.append("No changes were recorded in the parts of the plan this report covers.")
    return "\n\n".join(parts) + "\n"
